"""Notifications (意见处理情况通知): when staff release a draft's report, each person who asked for feedback
with an e-mail address (and each verified citizen for their own comments) gets one message listing their
comments and decisions; facilitators get their contact point's feedback letter (.docx attached).

The release only adds a `NotificationBatch` row (in its own transaction, see `hooks`); after commit the
batch is planned and sent by the job mechanism (`consult.queue`: a thread, or RQ). One `Notification` row
per (release revision, recipient) — its unique key is what makes a message go out at most once.
"""
