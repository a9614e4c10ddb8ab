"""businesses"""
