"""Outreach (宣传与线下材料): QR codes and short links, contact-point posters and the meeting kit (座谈会材料)."""
