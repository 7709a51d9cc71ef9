"""The forms (Mẫu 01-07) rendered as PDF, with the QR code for the citizen."""
