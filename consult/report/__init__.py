"""The public report (意见处理情况报告) of a draft: staff release it after the comment window closes; it
tells, article by article, how many comments came in and what became of them, with staff's summary of
what changed and why, totals per channel and district, a participation page and the open data."""
