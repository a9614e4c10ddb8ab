"""Buying requests (RFQ): buyers ask, the matching MSMEs quote, the buyer picks one."""
