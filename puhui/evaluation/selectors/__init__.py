"""Reads of the evaluation report: which periods may be reported (`periods`), the figures of each section from
the owning apps' read interfaces (`sections`), and the stored reports for the pages (`records`)."""
