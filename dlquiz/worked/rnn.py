"""Recurrent networks: BPTT over a few steps, one LSTM step."""

from __future__ import annotations
