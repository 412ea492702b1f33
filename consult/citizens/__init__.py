"""Citizen accounts (公众账户) above comments and drafts: registration, verification, password reset,
我的意见 with claims by receipt code, followed drafts. The pages are the `citizens` blueprint under
/accounts/ (`citizens.register`, `citizens.my_comments` …); the account is `consult.accounts.models.User`.
"""
