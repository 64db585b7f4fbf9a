"""Analysis over a KnowledgeGraph, without Jupyter: how ideas travel (``trace``, ``spread``,
``flows``) and which network model a group lives in (``network_model``, ``projection``,
``measures``)."""

from __future__ import annotations

from kg_connect.analysis._introductions import Introductions, introductions
from kg_connect.analysis._shapes import MODELS, PROJECTIONS, NetworkModel, measures, network_model, projection
from kg_connect.analysis._trails import EventSpread, IdeaFlows, IdeaTrail, find_idea, flows, spread, trace

__all__ = ["MODELS", "PROJECTIONS", "EventSpread", "IdeaFlows", "IdeaTrail", "Introductions", "NetworkModel",
           "find_idea", "flows", "introductions", "measures", "network_model", "projection", "spread", "trace"]
