"""The MSME owner's workspace: the dashboard that gathers the business, its products, the
channels that show them and the interests they drew, and the preview of a product page."""
