"""interests"""
