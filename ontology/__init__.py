"""The kg_connect ontology, vocabulary notes and SHACL shapes, shipped as package data.

This folder is installed as ``kg_connect.ontology``; read it with
``kg_connect.ontology_graph()`` and ``kg_connect.shapes_graph()``.
"""
