"""Guarantee network pages (being written)."""

from django.http import Http404


def networks(request):
    raise Http404


def group_detail(request, period, number):
    raise Http404


def group_graph(request, period, number):
    raise Http404


def firms(request, period):
    raise Http404
