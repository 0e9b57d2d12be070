"""A query tree (`indexer.querytext`) as an SQL condition on the PostgreSQL engine's `items` table."""

from __future__ import annotations

from psycopg import sql

from ... import querytext as qt
from .rows import WEIGHTS, quoted
from .schema import MULTI_VALUED


class Translation:
    """A query tree as an SQL condition on `items`, and the tsquery its positive leaves make (for
    ranking)."""

    def __init__(self, tree: qt.Node) -> None:
        self.ranked: list[str] = []
        self.ranked_parts: list[str] = []  # ranked apart, weighted by PART_BOOST
        self.condition = self._translate(tree, positive=True)

    @property
    def rank_query(self) -> str:
        return self._any(self.ranked)

    @property
    def part_rank_query(self) -> str:
        return self._any(self.ranked_parts)

    @staticmethod
    def _any(queries: list[str]) -> str:
        return " | ".join(f"({query})" for query in queries)

    def _translate(self, node: qt.Node, positive: bool) -> sql.Composable:
        if isinstance(node, qt.Every):
            return sql.SQL("TRUE")
        if isinstance(node, qt.Nothing):
            return sql.SQL("FALSE")
        if isinstance(node, (qt.Term, qt.Phrase, qt.Prefix)):
            query = self._tsquery(node)
            part_query = self._part_tsquery(node)
            if positive:
                self.ranked.append(query)
                if part_query:
                    self.ranked_parts.append(part_query)
            if part_query:
                query = f"({query}) | ({part_query})"
            return sql.SQL("terms @@ {}::tsquery").format(sql.Literal(query))
        if isinstance(node, qt.Exact):
            column = sql.Identifier(node.field)
            if node.field in MULTI_VALUED:
                return sql.SQL("{} = ANY({})").format(sql.Literal(node.value), column)
            return sql.SQL("{} = {}").format(column, sql.Literal(node.value))
        if isinstance(node, qt.And):
            return self._join("AND", [self._translate(child, positive) for child in node.children])
        if isinstance(node, qt.Or):
            return self._join("OR", [self._translate(child, positive) for child in node.children])
        if isinstance(node, qt.AndNot):
            return sql.SQL("({} AND NOT {})").format(self._translate(node.positive, positive),
                                                     self._translate(node.negative, not positive))
        if isinstance(node, qt.AndMaybe):
            required = self._translate(node.required, positive)
            self._translate(node.optional, positive)  # ranks, does not filter
            return required
        if isinstance(node, qt.Not):
            return sql.SQL("NOT {}").format(self._translate(node.child, not positive))
        raise TypeError(f"no PostgreSQL translation for {type(node).__name__}")

    @staticmethod
    def _join(operator: str, parts: list[sql.Composable]) -> sql.Composable:
        return sql.SQL("(") + sql.SQL(f" {operator} ").join(parts) + sql.SQL(")")

    @staticmethod
    def _tsquery(node: qt.Term | qt.Phrase | qt.Prefix) -> str:
        # A weight in a tsquery makes PostgreSQL read every candidate's vector to check it: only
        # leaves of one field carry one.
        weights = [WEIGHTS[node.field]] if node.field is not None else list(WEIGHTS.values())
        if isinstance(node, qt.Prefix):
            return f"{quoted(node.prefix)}:*" + (weights[0] if node.field is not None else "")
        if isinstance(node, qt.Phrase):
            # Fields are FIELD_GAP positions apart: an unrestricted phrase cannot span two of them.
            if node.field is None:
                return " <-> ".join(quoted(term) for term in node.terms)
            return " <-> ".join(f"{quoted(term)}:{weights[0]}" for term in node.terms)
        if node.field is None and len(node.terms) == 1:
            return quoted(node.terms[0])
        # A word of several terms needs them all in one field.
        return " | ".join("(" + " & ".join(f"{quoted(term)}:{weight}" for term in node.terms) + ")"
                          for weight in weights)

    @staticmethod
    def _part_tsquery(node: qt.Term | qt.Phrase | qt.Prefix) -> str | None:
        """The word as a compound part (PART_MARK terms), or None where it is not asked for so."""
        weight = WEIGHTS[node.field] if node.field is not None else ""
        if isinstance(node, qt.Prefix):
            return f"{quoted(node.part_prefix)}:*{weight}"
        if isinstance(node, qt.Term) and node.part_term is not None:
            return f"{quoted(node.part_term)}" + (f":{weight}" if weight else "")
        return None
