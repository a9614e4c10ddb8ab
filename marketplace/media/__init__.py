"""Media handling for product photos: safe image processing and the storage interface.

``images`` validates and normalises uploaded photos into content-hashed WebP files;
``storage`` is the one place files are written to (local disk now, object storage later);
``transaction_files`` keeps or deletes a request's files as its transaction commits or not.
"""
