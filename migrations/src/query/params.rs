//! What each parameter of a query is for, read from where it stands: the
//! column it is compared with, inserted into or assigned to, or a LIMIT.
//! sqlx only counts parameters; knowing the column lets the macros check
//! the Rust argument's type.

use std::collections::HashMap;

use sqlparser::ast::{
    AssignmentTarget, BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    InTarget, LimitClause, Query, SelectItem, SetExpr, Statement, TableFactor, TableObject,
    TableWithJoins, Value,
};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

use super::last_part;
use crate::schema::{Affinity, Schema};

/// Where a parameter's value goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Use {
    /// Compared with (`stored: false`) or written to (`stored: true`) a column.
    Column {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The column's affinity.
        affinity: Affinity,
        /// Whether the column is NOT NULL.
        not_null: bool,
        /// Inserted into or assigned to it, rather than compared with it.
        stored: bool,
    },
    /// A LIMIT or OFFSET: an integer.
    Limit,
    /// A list of values, as a JSON array: `x IN (SELECT value FROM
    /// json_each(?1))`, each element used as `element` says.
    Each {
        /// The use of each element.
        element: Box<Use>,
    },
}

/// The use of each parameter, by SQLite's index (`names[i]` is parameter
/// `i + 1`'s name as SQLite reports it); `None` where it is not known.
pub fn uses(schema: &Schema, sql: &str, names: &[Option<String>]) -> Vec<Option<Use>> {
    let mut out = vec![None; names.len()];
    let Ok(statements) = Parser::parse_sql(&SQLiteDialect {}, sql) else {
        return out;
    };
    let [statement] = statements.as_slice() else {
        return out;
    };
    let mut walker = Walker {
        schema,
        tables: HashMap::new(),
        found: Vec::new(),
    };
    walker.statement(statement);
    // SQLite numbers `?` after the highest number so far, in text order
    walker.found.sort_by_key(|(at, _, _)| *at);
    let mut highest = 0usize;
    for (_, text, used) in walker.found {
        let index = if text == "?" {
            highest + 1
        } else if let Some(n) = text.strip_prefix('?') {
            match n.parse::<usize>() {
                Ok(n) => n,
                Err(_) => continue,
            }
        } else {
            match names
                .iter()
                .position(|n| n.as_deref() == Some(text.as_str()))
            {
                Some(i) => i + 1,
                None => continue,
            }
        };
        highest = highest.max(index);
        if let (Some(slot), Some(used)) = (out.get_mut(index.wrapping_sub(1)), used)
            && slot.is_none()
        {
            *slot = Some(used);
        }
    }
    out
}

struct Walker<'s> {
    schema: &'s Schema,
    /// Tables in scope by name and alias, lowercase → table name.
    tables: HashMap<String, String>,
    /// Each placeholder: (line, column), its text, its use.
    found: Vec<((u64, u64), String, Option<Use>)>,
}

impl Walker<'_> {
    fn statement(&mut self, statement: &Statement) {
        match statement {
            Statement::Query(q) => self.query(q),
            Statement::Insert(insert) => {
                let TableObject::TableName(name) = &insert.table else {
                    return;
                };
                let Some(table) = last_part(name) else {
                    return;
                };
                self.tables.insert(table.clone(), table.clone());
                let columns: Vec<String> = if insert.columns.is_empty() {
                    self.table_columns(&table)
                } else {
                    insert.columns.iter().filter_map(last_part).collect()
                };
                if let Some(source) = &insert.source {
                    if let SetExpr::Values(values) = &*source.body {
                        for row in &values.rows {
                            for (value, column) in row.content.iter().zip(&columns) {
                                let used = self.column_use(Some(&table), column, true);
                                self.expr_with(value, used);
                            }
                        }
                    } else {
                        self.query(source);
                    }
                }
            }
            Statement::Update(update) => {
                self.table_with_joins(&update.table);
                let table = match &update.table.relation {
                    TableFactor::Table { name, .. } => last_part(name),
                    _ => None,
                };
                for a in &update.assignments {
                    if let AssignmentTarget::ColumnName(c) = &a.target
                        && let Some(column) = last_part(c)
                    {
                        let used = self.column_use(table.as_deref(), &column, true);
                        self.expr_with(&a.value, used);
                    } else {
                        self.expr(&a.value);
                    }
                }
                if let Some(w) = &update.selection {
                    self.expr(w);
                }
            }
            Statement::Delete(delete) => {
                let tables = match &delete.from {
                    sqlparser::ast::FromTable::WithFromKeyword(t)
                    | sqlparser::ast::FromTable::WithoutKeyword(t) => t,
                };
                for t in tables {
                    self.table_with_joins(t);
                }
                if let Some(w) = &delete.selection {
                    self.expr(w);
                }
            }
            _ => {}
        }
    }

    fn query(&mut self, q: &Query) {
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                self.query(&cte.query);
            }
        }
        self.set_expr(&q.body);
        match &q.limit_clause {
            Some(LimitClause::LimitOffset { limit, offset, .. }) => {
                if let Some(l) = limit {
                    self.expr_with(l, Some(Use::Limit));
                }
                if let Some(o) = offset {
                    self.expr_with(&o.value, Some(Use::Limit));
                }
            }
            Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
                self.expr_with(offset, Some(Use::Limit));
                self.expr_with(limit, Some(Use::Limit));
            }
            None => {}
        }
    }

    fn set_expr(&mut self, body: &SetExpr) {
        match body {
            SetExpr::Select(s) => {
                for t in &s.from {
                    self.table_with_joins(t);
                }
                for item in &s.projection {
                    if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } =
                        item
                    {
                        self.expr(e);
                    }
                }
                if let Some(w) = &s.selection {
                    self.expr(w);
                }
                if let Some(h) = &s.having {
                    self.expr(h);
                }
            }
            SetExpr::Query(q) => self.query(q),
            SetExpr::SetOperation { left, right, .. } => {
                self.set_expr(left);
                self.set_expr(right);
            }
            SetExpr::Values(v) => {
                for row in &v.rows {
                    for e in &row.content {
                        self.expr(e);
                    }
                }
            }
            _ => {}
        }
    }

    fn table_with_joins(&mut self, t: &TableWithJoins) {
        self.table_factor(&t.relation);
        for j in &t.joins {
            self.table_factor(&j.relation);
            let constraint = match &j.join_operator {
                sqlparser::ast::JoinOperator::Join(c)
                | sqlparser::ast::JoinOperator::Inner(c)
                | sqlparser::ast::JoinOperator::Left(c)
                | sqlparser::ast::JoinOperator::LeftOuter(c)
                | sqlparser::ast::JoinOperator::Right(c)
                | sqlparser::ast::JoinOperator::RightOuter(c)
                | sqlparser::ast::JoinOperator::FullOuter(c) => Some(c),
                _ => None,
            };
            if let Some(sqlparser::ast::JoinConstraint::On(e)) = constraint {
                self.expr(e);
            }
        }
    }

    fn table_factor(&mut self, f: &TableFactor) {
        match f {
            TableFactor::Table { name, alias, .. } => {
                if let Some(table) = last_part(name) {
                    if let Some(a) = alias {
                        self.tables
                            .insert(a.name.value.to_ascii_lowercase(), table.clone());
                    }
                    self.tables.insert(table.clone(), table);
                }
            }
            TableFactor::Derived { subquery, .. } => self.query(subquery),
            _ => {}
        }
    }

    fn table_columns(&self, table: &str) -> Vec<String> {
        self.schema
            .tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(table))
            .map(|t| {
                t.columns
                    .iter()
                    .map(|c| c.name.to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The use of a value compared with or stored in `table.column`
    /// (`table` a name or alias; unqualified: the one table in scope with it).
    fn column_use(&self, table: Option<&str>, column: &str, stored: bool) -> Option<Use> {
        let candidates: Vec<&String> = match table {
            Some(t) => vec![self.tables.get(&t.to_ascii_lowercase())?],
            None => {
                let mut all: Vec<&String> = self.tables.values().collect();
                all.sort();
                all.dedup();
                all
            }
        };
        let mut found = candidates.into_iter().filter_map(|t| {
            let table = self
                .schema
                .tables
                .iter()
                .find(|x| x.name.eq_ignore_ascii_case(t))?;
            let c = table
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(column))?;
            Some(Use::Column {
                table: table.name.clone(),
                column: c.name.clone(),
                affinity: c.affinity,
                not_null: c.not_null,
                stored,
            })
        });
        let first = found.next()?;
        // a name two tables have, unqualified: not for us to pick
        found.next().is_none().then_some(first)
    }

    fn column_of(&self, e: &Expr) -> Option<Use> {
        match e {
            Expr::Identifier(id) => self.column_use(None, &id.value, false),
            Expr::CompoundIdentifier(ids) => match ids.as_slice() {
                [t, c] | [_, t, c] => self.column_use(Some(&t.value), &c.value, false),
                _ => None,
            },
            Expr::Nested(inner) => self.column_of(inner),
            _ => None,
        }
    }

    /// Walks `e`; a placeholder that is `e` itself gets `used`.
    fn expr_with(&mut self, e: &Expr, used: Option<Use>) {
        match e {
            Expr::Value(v) => {
                if let Value::Placeholder(text) = &v.value {
                    let at = (v.span.start.line, v.span.start.column);
                    self.found.push((at, text.clone(), used));
                }
            }
            Expr::Nested(inner) => self.expr_with(inner, used),
            other => self.expr(other),
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Value(_) => self.expr_with(e, None),
            Expr::BinaryOp { left, op, right } => {
                let comparison = matches!(
                    op,
                    BinaryOperator::Eq
                        | BinaryOperator::NotEq
                        | BinaryOperator::Lt
                        | BinaryOperator::LtEq
                        | BinaryOperator::Gt
                        | BinaryOperator::GtEq
                );
                if comparison {
                    let l = self.column_of(left);
                    let r = self.column_of(right);
                    self.expr_with(left, r);
                    self.expr_with(right, l);
                } else {
                    self.expr(left);
                    self.expr(right);
                }
            }
            Expr::In { expr, target, .. } => {
                let used = self.column_of(expr);
                self.expr(expr);
                match target {
                    InTarget::List(items) => {
                        for i in items {
                            self.expr_with(i, used.clone());
                        }
                    }
                    InTarget::Subquery(q) => match (each_placeholder(q), used) {
                        // a list bound as one JSON array: each element compared with `expr`
                        (Some(p), Some(element)) => self.expr_with(
                            p,
                            Some(Use::Each {
                                element: Box::new(element),
                            }),
                        ),
                        _ => self.query(q),
                    },
                    _ => {}
                }
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                let used = self.column_of(expr);
                self.expr(expr);
                self.expr_with(low, used.clone());
                self.expr_with(high, used);
            }
            Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } => {
                let used = self.column_of(expr);
                self.expr(expr);
                self.expr_with(pattern, used);
            }
            Expr::Nested(inner)
            | Expr::UnaryOp { expr: inner, .. }
            | Expr::Cast { expr: inner, .. }
            | Expr::Collate { expr: inner, .. }
            | Expr::IsNull(inner)
            | Expr::IsNotNull(inner) => self.expr(inner),
            Expr::IsDistinctFrom(l, r) | Expr::IsNotDistinctFrom(l, r) => {
                self.expr(l);
                self.expr(r);
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                if let Some(o) = operand {
                    self.expr(o);
                }
                for c in conditions {
                    self.expr(&c.condition);
                    self.expr(&c.result);
                }
                if let Some(e) = else_result {
                    self.expr(e);
                }
            }
            Expr::Function(f) => {
                if let FunctionArguments::List(list) = &f.args {
                    for a in &list.args {
                        if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = a {
                            self.expr(e);
                        }
                    }
                }
            }
            Expr::Subquery(q) | Expr::Exists { subquery: q, .. } => self.query(q),
            _ => {}
        }
    }
}

/// The placeholder of `SELECT value FROM json_each(?)`, the way to bind a
/// list to `IN`.
fn each_placeholder(q: &Query) -> Option<&Expr> {
    let SetExpr::Select(s) = &*q.body else {
        return None;
    };
    let [SelectItem::UnnamedExpr(Expr::Identifier(value))] = s.projection.as_slice() else {
        return None;
    };
    let [from] = s.from.as_slice() else {
        return None;
    };
    let TableFactor::Table {
        name,
        args: Some(args),
        ..
    } = &from.relation
    else {
        return None;
    };
    let is_each = last_part(name).is_some_and(|n| n == "json_each");
    let [FunctionArg::Unnamed(FunctionArgExpr::Expr(p @ Expr::Value(_)))] = args.args.as_slice()
    else {
        return None;
    };
    (is_each
        && value.value.eq_ignore_ascii_case("value")
        && from.joins.is_empty()
        && s.selection.is_none())
    .then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        conn.execute_batch(
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL);
             CREATE TABLE players (id INTEGER PRIMARY KEY, game_id INTEGER NOT NULL, nick TEXT);",
        )
        .expect("schema");
        Schema::read(&conn).expect("read")
    }

    fn affinities(sql: &str, names: &[Option<&str>]) -> Vec<Option<(String, Affinity, bool)>> {
        let names: Vec<Option<String>> = names.iter().map(|n| n.map(str::to_string)).collect();
        uses(&schema(), sql, &names)
            .into_iter()
            .map(|u| match u {
                Some(Use::Column {
                    column,
                    affinity,
                    stored,
                    ..
                }) => Some((column, affinity, stored)),
                Some(Use::Limit) => Some(("LIMIT".into(), Affinity::Integer, false)),
                Some(Use::Each { element }) => match *element {
                    Use::Column {
                        column, affinity, ..
                    } => Some((format!("each {column}"), affinity, false)),
                    _ => None,
                },
                None => None,
            })
            .collect()
    }

    #[test]
    fn parameters_take_the_type_of_where_they_stand() {
        let col = |c: &str, a, s| Some((c.to_string(), a, s));
        assert_eq!(
            affinities(
                "SELECT g.name FROM games g JOIN players p ON p.game_id = g.id WHERE g.name = ? AND p.nick LIKE ? LIMIT ?",
                &[None, None, None]
            ),
            [
                col("name", Affinity::Text, false),
                col("nick", Affinity::Text, false),
                col("LIMIT", Affinity::Integer, false)
            ]
        );
        assert_eq!(
            affinities(
                "INSERT INTO games (name, score) VALUES (?1, ?2)",
                &[Some("?1"), Some("?2")]
            ),
            [
                col("name", Affinity::Text, true),
                col("score", Affinity::Real, true)
            ]
        );
        assert_eq!(
            affinities(
                "UPDATE games SET score = :s WHERE id = :id",
                &[Some(":s"), Some(":id")]
            ),
            [
                col("score", Affinity::Real, true),
                col("id", Affinity::Integer, false)
            ]
        );
        assert_eq!(
            affinities(
                "SELECT id FROM games WHERE id IN (?, ?) OR score BETWEEN ? AND 3",
                &[None, None, None]
            ),
            [
                col("id", Affinity::Integer, false),
                col("id", Affinity::Integer, false),
                col("score", Affinity::Real, false)
            ]
        );
        assert_eq!(
            affinities(
                "SELECT name FROM games WHERE id IN (SELECT value FROM json_each(?1))",
                &[Some("?1")]
            ),
            [col("each id", Affinity::Integer, false)]
        );
        // `id` is in both tables: not guessed
        assert_eq!(
            affinities("SELECT 1 FROM games, players WHERE id = ?", &[None]),
            [None]
        );
    }
}
