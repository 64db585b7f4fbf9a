"""Analysis over a KnowledgeGraph, without Jupyter: how ideas travel (``trace``, ``spread``,
``flows``)."""

from __future__ import annotations

from kg_connect.analysis._trails import EventSpread, IdeaFlows, IdeaTrail, find_idea, flows, spread, trace

__all__ = ["EventSpread", "IdeaFlows", "IdeaTrail", "find_idea", "flows", "spread", "trace"]
