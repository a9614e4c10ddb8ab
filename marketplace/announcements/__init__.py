"""Announcements from the trade office to MSMEs: written in Indonesian and English, sent to an
audience chosen by subsector, district, certification and channel, read by their owners."""
