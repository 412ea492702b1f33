"""Citizen accounts (公众账户) above comments and drafts: registration, verification, password reset,
我的意见 with claims by receipt code, followed drafts. The pages hang on the accounts blueprint
(`accounts.register`, `accounts.my_comments` …); the account itself is `consult.accounts.models.User`.
"""
