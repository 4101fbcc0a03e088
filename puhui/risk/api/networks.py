"""Guarantee networks over the API (filled in by the networks slice)."""

from ninja import Router

router = Router()
