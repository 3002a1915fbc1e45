//! Which result columns of a query can be NULL, decided from the parsed
//! query and the migrated schema, never from SQLite's column metadata alone
//! (which calls a column of a LEFT JOIN's right side NOT NULL).
//!
//! The rule throughout: a column is non-null only when every row the query
//! can return has a value there; anything not understood is nullable. The
//! soundness test (`tests/nullability.rs`) runs a corpus of queries over
//! generated data and fails if SQLite ever returns NULL where this says it
//! cannot.

use std::collections::HashSet;

use sqlparser::ast::{
    BinaryOperator, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr,
    InTarget, JoinConstraint, JoinOperator, ObjectName, ObjectNamePart, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, SetOperator, Statement, TableFactor, TableObject,
    TableWithJoins, UnaryOperator, Value,
};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

use super::{last_part, types};
use crate::schema::{Affinity, Hidden, Schema, Table};

/// One result column: its name and whether it can be NULL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultColumn {
    /// The name SQLite gives it (alias, column name, or the expression).
    pub name: String,
    /// Whether some row can hold NULL in it.
    pub nullable: bool,
    /// The affinity of its values, where known (an expression has no
    /// declared type; `count(*)` is still an integer).
    pub affinity: Option<Affinity>,
}

/// The result columns of `sql` (one statement) with their nullability, or
/// `None` when the query uses something this reading does not follow (then
/// every column must be taken as nullable).
///
/// ```
/// use driftless_migrations::query::nullability::result_columns;
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT NOT NULL);
///                     CREATE TABLE b (a_id INTEGER NOT NULL, y TEXT NOT NULL);")?;
/// let schema = driftless_migrations::Schema::read(&conn)?;
/// let cols = result_columns(&schema, "SELECT a.x, b.y FROM a LEFT JOIN b ON b.a_id = a.id").unwrap();
/// assert_eq!(cols.iter().map(|c| c.nullable).collect::<Vec<_>>(), [false, true]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn result_columns(schema: &Schema, sql: &str) -> Option<Vec<ResultColumn>> {
    let statements = Parser::parse_sql(&SQLiteDialect {}, sql).ok()?;
    let [statement] = statements.as_slice() else {
        return None;
    };
    let mut reader = Reader {
        schema,
        ctes: Vec::new(),
        depth: 0,
    };
    let cols = reader.statement(statement)?;
    Some(
        cols.into_iter()
            .map(|c| ResultColumn {
                name: c.name,
                nullable: c.nullable,
                affinity: c.affinity,
            })
            .collect(),
    )
}

/// A column of a relation in scope.
#[derive(Clone, Debug)]
struct Col {
    name: String,
    nullable: bool,
    affinity: Option<Affinity>,
    /// Left out of `*` (a USING/NATURAL join's duplicate, a hidden column).
    hidden_from_star: bool,
}

/// A relation in a FROM clause.
#[derive(Clone, Debug)]
struct Rel {
    /// The name or alias it is referred to by, lowercase.
    name: String,
    cols: Vec<Col>,
    /// On the nullable side of an outer join: every column may be NULL.
    outer: bool,
    /// A rowid table: `rowid`, `oid` and `_rowid_` are never NULL.
    has_rowid: bool,
    /// Columns a WHERE or inner-join condition proves non-null, lowercase.
    narrowed: HashSet<String>,
}

/// The relations of one SELECT, and those of the queries around it
/// (correlated subqueries see them).
struct Scope<'p> {
    rels: Vec<Rel>,
    parent: Option<&'p Scope<'p>>,
    /// An aggregate query without GROUP BY: over no rows it still returns a
    /// row, with NULL in every column read outside an aggregate.
    bare_nullable: bool,
    /// Has GROUP BY: each group has a row, so an aggregate of non-null values is non-null.
    grouped: bool,
}

struct Reader<'s> {
    schema: &'s Schema,
    /// Common table expressions in scope, innermost last.
    ctes: Vec<(String, Vec<Col>)>,
    depth: usize,
}

/// Views within views, CTEs within CTEs: past this depth, give up.
const MAX_DEPTH: usize = 32;

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

impl Reader<'_> {
    fn statement(&mut self, statement: &Statement) -> Option<Vec<Col>> {
        match statement {
            Statement::Query(q) => self.query(q, None),
            Statement::Insert(insert) => {
                let TableObject::TableName(name) = &insert.table else {
                    return None;
                };
                let returning = insert.returning.as_ref()?;
                let alias = insert.table_alias.as_ref().map(|a| lower(&a.alias.value));
                let rel = self.named_relation(name, alias)?;
                self.returning(rel, returning)
            }
            Statement::Update(update) => {
                let returning = update.returning.as_ref()?;
                if update.from.is_some() {
                    return None;
                }
                let rel = self.table_factor(&update.table.relation)?;
                self.returning(rel, returning)
            }
            Statement::Delete(delete) => {
                let returning = delete.returning.as_ref()?;
                let tables = match &delete.from {
                    sqlparser::ast::FromTable::WithFromKeyword(t)
                    | sqlparser::ast::FromTable::WithoutKeyword(t) => t,
                };
                let [table] = tables.as_slice() else {
                    return None;
                };
                let rel = self.table_factor(&table.relation)?;
                self.returning(rel, returning)
            }
            _ => None,
        }
    }

    /// RETURNING reads the row written: its columns as the table declares them.
    fn returning(&mut self, rel: Rel, items: &[SelectItem]) -> Option<Vec<Col>> {
        let scope = Scope {
            rels: vec![rel],
            parent: None,
            bare_nullable: false,
            grouped: false,
        };
        self.projection(items, &scope)
    }

    fn query(&mut self, q: &Query, outer: Option<&Scope<'_>>) -> Option<Vec<Col>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let pushed = self.ctes.len();
        let result = (|| {
            if let Some(with) = &q.with {
                for cte in &with.cte_tables {
                    let name = lower(&cte.alias.name.value);
                    let cols = if with.recursive {
                        // its rows feed back into it: its columns, as the
                        // first arm names them, are taken as nullable
                        let anchor = match &*cte.query.body {
                            SetExpr::SetOperation { left, .. } => self.set_expr(left, outer)?,
                            _ => self.query(&cte.query, outer)?,
                        };
                        let all_nullable = |cols: Vec<Col>| -> Vec<Col> {
                            cols.into_iter()
                                .map(|c| Col {
                                    nullable: true,
                                    ..c
                                })
                                .collect()
                        };
                        let anchor = rename(all_nullable(anchor), &cte.alias.columns)?;
                        self.ctes.push((name.clone(), anchor));
                        let cols = self.query(&cte.query, outer);
                        self.ctes.pop();
                        all_nullable(cols?)
                    } else {
                        self.query(&cte.query, outer)?
                    };
                    let cols = rename(cols, &cte.alias.columns)?;
                    self.ctes.push((name, cols));
                }
            }
            self.set_expr(&q.body, outer)
        })();
        self.ctes.truncate(pushed);
        self.depth -= 1;
        result
    }

    fn set_expr(&mut self, body: &SetExpr, outer: Option<&Scope<'_>>) -> Option<Vec<Col>> {
        match body {
            SetExpr::Select(select) => self.select(select, outer),
            SetExpr::Query(q) => self.query(q, outer),
            SetExpr::SetOperation {
                op, left, right, ..
            } => {
                let l = self.set_expr(left, outer)?;
                let r = self.set_expr(right, outer)?;
                if l.len() != r.len() {
                    return None;
                }
                Some(
                    l.into_iter()
                        .zip(r)
                        .map(|(l, r)| Col {
                            nullable: match op {
                                // rows of the left side only
                                SetOperator::Except | SetOperator::Minus => l.nullable,
                                // a row of both sides: NULL only where both can be
                                SetOperator::Intersect => l.nullable && r.nullable,
                                _ => l.nullable || r.nullable,
                            },
                            ..l
                        })
                        .collect(),
                )
            }
            SetExpr::Values(values) => {
                let scope = Scope {
                    rels: Vec::new(),
                    parent: outer,
                    bare_nullable: false,
                    grouped: false,
                };
                let first = values.rows.first()?;
                let mut cols: Vec<Col> = (0..first.content.len())
                    .map(|i| Col {
                        name: format!("column{}", i + 1),
                        nullable: false,
                        affinity: None,
                        hidden_from_star: false,
                    })
                    .collect();
                for row in &values.rows {
                    if row.content.len() != cols.len() {
                        return None;
                    }
                    for (col, e) in cols.iter_mut().zip(&row.content) {
                        col.nullable |= self.expr(e, &scope);
                    }
                }
                Some(cols)
            }
            _ => None,
        }
    }

    fn select(&mut self, s: &Select, outer: Option<&Scope<'_>>) -> Option<Vec<Col>> {
        if s.lateral_views.len() + s.connect_by.len() > 0 || s.prewhere.is_some() {
            return None;
        }
        let mut rels: Vec<Rel> = Vec::new();
        let mut inner_conditions: Vec<&Expr> = Vec::new();
        for table in &s.from {
            self.add_from_item(table, &mut rels, &mut inner_conditions)?;
        }
        let grouped = match &s.group_by {
            GroupByExpr::Expressions(exprs, modifiers) => {
                if !modifiers.is_empty() {
                    return None;
                }
                !exprs.is_empty()
            }
            GroupByExpr::All(_) => return None,
        };
        let aggregate = !grouped
            && (s.projection.iter().any(|item| match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    has_aggregate(e)
                }
                _ => false,
            }) || s.having.is_some());
        let mut scope = Scope {
            rels,
            parent: outer,
            bare_nullable: aggregate,
            grouped,
        };
        // WHERE and inner-join conditions only keep rows where a compared
        // column has a value (`x = 1` is not true when x is NULL)
        let mut proven = Vec::new();
        if let Some(w) = &s.selection {
            proven_non_null(w, &mut proven);
        }
        for c in inner_conditions {
            proven_non_null(c, &mut proven);
        }
        for e in proven {
            narrow(&mut scope, e);
        }
        self.projection(&s.projection, &scope)
    }

    /// Adds one FROM item (a table and its joins) to `rels`.
    fn add_from_item<'q>(
        &mut self,
        table: &'q TableWithJoins,
        rels: &mut Vec<Rel>,
        inner_conditions: &mut Vec<&'q Expr>,
    ) -> Option<()> {
        let first = self.table_factor(&table.relation)?;
        rels.push(first);
        for join in &table.joins {
            let rel = self.table_factor(&join.relation)?;
            let (constraint, left_outer, right_outer) = match &join.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) | JoinOperator::CrossJoin(c) => {
                    (c, false, false)
                }
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (c, false, true),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (c, true, false),
                JoinOperator::FullOuter(c) => (c, true, true),
                _ => return None,
            };
            let mut rel = rel;
            if right_outer {
                rel.outer = true;
            }
            if left_outer {
                // everything joined so far may be missing
                for r in rels.iter_mut() {
                    r.outer = true;
                }
            }
            match constraint {
                JoinConstraint::On(e) => {
                    if !left_outer && !right_outer {
                        inner_conditions.push(e);
                    }
                }
                JoinConstraint::Using(names) => {
                    // `*` shows a USING column once, from the left
                    for name in names {
                        let n = last_part(name)?;
                        for c in rel.cols.iter_mut().filter(|c| lower(&c.name) == n) {
                            c.hidden_from_star = true;
                        }
                    }
                }
                JoinConstraint::Natural => {
                    let left: HashSet<String> = rels
                        .iter()
                        .flat_map(|r| r.cols.iter().map(|c| lower(&c.name)))
                        .collect();
                    for c in rel.cols.iter_mut() {
                        if left.contains(&lower(&c.name)) {
                            c.hidden_from_star = true;
                        }
                    }
                }
                JoinConstraint::None => {}
                _ => return None,
            }
            rels.push(rel);
        }
        Some(())
    }

    fn table_factor(&mut self, factor: &TableFactor) -> Option<Rel> {
        match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                if args.is_some() {
                    // a table-valued function (json_each, pragma_...): columns unknown
                    return None;
                }
                let mut rel =
                    self.named_relation(name, alias.as_ref().map(|a| lower(&a.name.value)))?;
                if let Some(alias) = alias {
                    rel.cols = rename(rel.cols, &alias.columns)?;
                }
                Some(rel)
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let cols = self.query(subquery, None)?;
                let (name, cols) = match alias {
                    Some(a) => (lower(&a.name.value), rename(cols, &a.columns)?),
                    None => (String::new(), cols),
                };
                Some(Rel {
                    name,
                    cols,
                    outer: false,
                    has_rowid: false,
                    narrowed: HashSet::new(),
                })
            }
            _ => None,
        }
    }

    /// A table, view or CTE by name.
    fn named_relation(&mut self, name: &ObjectName, alias: Option<String>) -> Option<Rel> {
        let parts: Vec<&str> = name
            .0
            .iter()
            .map(|p| match p {
                ObjectNamePart::Identifier(id) => Some(id.value.as_str()),
                ObjectNamePart::Function(_) => None,
            })
            .collect::<Option<_>>()?;
        let table_name = lower(parts.last()?);
        let schema_name = match parts.as_slice() {
            [_] => None,
            [s, _] => Some(lower(s)),
            _ => return None,
        };
        if schema_name.as_deref().is_some_and(|s| s != "main") {
            return None;
        }
        let rel = |cols: Vec<Col>, has_rowid: bool| Rel {
            name: alias.clone().unwrap_or_else(|| table_name.clone()),
            cols,
            outer: false,
            has_rowid,
            narrowed: HashSet::new(),
        };
        if schema_name.is_none()
            && let Some((_, cols)) = self.ctes.iter().rev().find(|(n, _)| *n == table_name)
        {
            return Some(rel(cols.clone(), false));
        }
        if let Some(t) = self
            .schema
            .tables
            .iter()
            .find(|t| lower(&t.name) == table_name)
        {
            return Some(rel(table_columns(t), !t.without_rowid));
        }
        let view = self
            .schema
            .views
            .iter()
            .find(|v| lower(&v.name) == table_name)?;
        let cols = self.view(&view.sql)?;
        if cols.len() != view.columns.len() {
            return None;
        }
        // the view's column names as SQLite records them
        let cols = cols
            .into_iter()
            .zip(&view.columns)
            .map(|(c, v)| Col {
                name: v.name.clone(),
                // an expression's column has no declared type
                affinity: if v.decl_type.is_empty() {
                    c.affinity
                } else {
                    Some(v.affinity)
                },
                ..c
            })
            .collect();
        Some(rel(cols, false))
    }

    /// A view's columns: its query read in a scope of its own.
    fn view(&mut self, sql: &str) -> Option<Vec<Col>> {
        let statements = Parser::parse_sql(&SQLiteDialect {}, sql).ok()?;
        let [Statement::CreateView(view)] = statements.as_slice() else {
            return None;
        };
        let saved = std::mem::take(&mut self.ctes);
        let cols = self.query(&view.query, None);
        self.ctes = saved;
        cols
    }

    fn projection(&mut self, items: &[SelectItem], scope: &Scope<'_>) -> Option<Vec<Col>> {
        let mut out = Vec::new();
        for item in items {
            match item {
                SelectItem::UnnamedExpr(e) => out.push(Col {
                    name: match e {
                        Expr::Identifier(id) => id.value.clone(),
                        Expr::CompoundIdentifier(ids) => ids.last()?.value.clone(),
                        other => other.to_string(),
                    },
                    nullable: self.expr(e, scope),
                    affinity: self.affinity(e, scope),
                    hidden_from_star: false,
                }),
                SelectItem::ExprWithAlias { expr, alias } => out.push(Col {
                    name: alias.value.clone(),
                    nullable: self.expr(expr, scope),
                    affinity: self.affinity(expr, scope),
                    hidden_from_star: false,
                }),
                SelectItem::Wildcard(opts) => {
                    if opts.opt_exclude.is_some()
                        || opts.opt_except.is_some()
                        || opts.opt_replace.is_some()
                        || opts.opt_rename.is_some()
                    {
                        return None;
                    }
                    for rel in &scope.rels {
                        out.extend(star(rel, scope));
                    }
                }
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(name),
                    _,
                ) => {
                    let n = last_part(name)?;
                    let rel = scope.rels.iter().find(|r| r.name == n)?;
                    // `t.*` shows USING duplicates too
                    out.extend(rel.cols.iter().map(|c| Col {
                        nullable: column_nullable(rel, c, scope),
                        hidden_from_star: false,
                        ..c.clone()
                    }));
                }
                _ => return None,
            }
        }
        Some(out)
    }

    /// The affinity of `e`'s values, where known.
    fn affinity(&mut self, e: &Expr, scope: &Scope<'_>) -> Option<Affinity> {
        let mut lookup = InScope {
            reader: self,
            scope,
        };
        types::affinity(e, &mut lookup)
    }

    /// Whether `e` can be NULL in some row.
    fn expr(&mut self, e: &Expr, scope: &Scope<'_>) -> bool {
        match e {
            Expr::Identifier(id) => resolve(scope, None, &id.value),
            Expr::CompoundIdentifier(ids) => match ids.as_slice() {
                [t, c] => resolve(scope, Some(&t.value), &c.value),
                [s, t, c] if lower(&s.value) == "main" => resolve(scope, Some(&t.value), &c.value),
                _ => true,
            },
            Expr::Value(v) => matches!(v.value, Value::Null | Value::Placeholder(_)),
            Expr::Nested(inner) | Expr::Collate { expr: inner, .. } => self.expr(inner, scope),
            Expr::Cast { expr, .. } => self.expr(expr, scope),
            Expr::UnaryOp {
                op:
                    UnaryOperator::Plus
                    | UnaryOperator::Minus
                    | UnaryOperator::Not
                    | UnaryOperator::BitwiseNot,
                expr,
            } => self.expr(expr, scope),
            Expr::IsNull(_)
            | Expr::IsNotNull(_)
            | Expr::IsDistinctFrom(..)
            | Expr::IsNotDistinctFrom(..)
            | Expr::IsTrue(_)
            | Expr::IsNotTrue(_)
            | Expr::IsFalse(_)
            | Expr::IsNotFalse(_) => false,
            Expr::Exists { .. } => false,
            Expr::BinaryOp { left, op, right } => {
                // NULL when an operand is; `/` and `%` also when dividing by zero
                let l = self.expr(left, scope);
                let r = self.expr(right, scope);
                match op {
                    BinaryOperator::Divide | BinaryOperator::Modulo => true,
                    BinaryOperator::Plus
                    | BinaryOperator::Minus
                    | BinaryOperator::Multiply
                    | BinaryOperator::StringConcat
                    | BinaryOperator::Gt
                    | BinaryOperator::Lt
                    | BinaryOperator::GtEq
                    | BinaryOperator::LtEq
                    | BinaryOperator::Eq
                    | BinaryOperator::NotEq
                    | BinaryOperator::And
                    | BinaryOperator::Or
                    | BinaryOperator::BitwiseOr
                    | BinaryOperator::BitwiseAnd
                    | BinaryOperator::PGBitwiseShiftLeft
                    | BinaryOperator::PGBitwiseShiftRight => l || r,
                    _ => true,
                }
            }
            Expr::Like {
                expr,
                pattern,
                escape_char,
                any: false,
                ..
            }
            | Expr::ILike {
                expr,
                pattern,
                escape_char,
                any: false,
                ..
            } => {
                let esc = escape_char.as_ref().is_some_and(|e| self.expr(e, scope));
                self.expr(expr, scope) | self.expr(pattern, scope) | esc
            }
            Expr::Between {
                expr, low, high, ..
            } => self.expr(expr, scope) | self.expr(low, scope) | self.expr(high, scope),
            Expr::In {
                expr,
                target,
                negated: _,
                ..
            } => {
                let lhs = self.expr(expr, scope);
                match target {
                    InTarget::List(items) => {
                        let mut any = lhs;
                        for i in items {
                            any |= self.expr(i, scope);
                        }
                        any
                    }
                    InTarget::Subquery(q) => {
                        let cols = self.query(q, Some(scope));
                        lhs || cols.is_none_or(|c| c.iter().any(|c| c.nullable))
                    }
                    _ => true,
                }
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                if let Some(o) = operand {
                    self.expr(o, scope);
                }
                let Some(else_result) = else_result else {
                    return true;
                };
                let mut any = self.expr(else_result, scope);
                for c in conditions {
                    any |= self.expr(&c.result, scope);
                }
                any
            }
            Expr::Subquery(q) => self.scalar_subquery(q, scope),
            Expr::Function(f) => self.function(f, scope),
            _ => true,
        }
    }

    /// A scalar subquery is NULL when it returns no row, except an
    /// aggregate without GROUP BY, which always returns one.
    fn scalar_subquery(&mut self, q: &Query, scope: &Scope<'_>) -> bool {
        let cols = self.query(q, Some(scope));
        let one_row = q.limit_clause.is_none()
            && q.with.is_none()
            && matches!(&*q.body, SetExpr::Select(s)
                if matches!(&s.group_by, GroupByExpr::Expressions(e, _) if e.is_empty())
                    && s.having.is_none()
                    && s.projection.len() == 1
                    && matches!(&s.projection[0],
                        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }
                            if is_aggregate_call(e)));
        match cols.as_deref() {
            Some([col]) if one_row => col.nullable,
            _ => true,
        }
    }

    fn function(&mut self, f: &Function, scope: &Scope<'_>) -> bool {
        let Some(name) = last_part(&f.name) else {
            return true;
        };
        let FunctionArguments::List(list) = &f.args else {
            // `name` without parentheses, or a subquery argument
            return !matches!(f.args, FunctionArguments::None)
                || !matches!(
                    name.as_str(),
                    "current_date" | "current_time" | "current_timestamp"
                );
        };
        let star = list
            .args
            .iter()
            .any(|a| matches!(a, FunctionArg::Unnamed(FunctionArgExpr::Wildcard)));
        let arg_exprs: Vec<&Expr> = list
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect();
        if arg_exprs.len() + usize::from(star) != list.args.len() {
            return true;
        }
        let aggregate = f.over.is_none()
            && AGGREGATES.contains(&name.as_str())
            && !(matches!(name.as_str(), "min" | "max") && arg_exprs.len() != 1);
        // arguments of an aggregate are read per input row: outside the
        // "bare column" rule
        let arg_scope_bare = Scope {
            rels: scope.rels.clone(),
            parent: scope.parent,
            bare_nullable: false,
            grouped: scope.grouped,
        };
        let args_scope = if aggregate { &arg_scope_bare } else { scope };
        let args: Vec<bool> = arg_exprs.iter().map(|e| self.expr(e, args_scope)).collect();
        let any = args.iter().any(|n| *n);
        if f.over.is_some() {
            return !matches!(
                name.as_str(),
                "row_number"
                    | "rank"
                    | "dense_rank"
                    | "ntile"
                    | "percent_rank"
                    | "cume_dist"
                    | "count"
            );
        }
        if aggregate {
            if f.filter.is_some() {
                return !matches!(name.as_str(), "count" | "total");
            }
            return match name.as_str() {
                "count" | "total" | "json_group_array" | "json_group_object" => false,
                // over a group (never empty) of values that are never NULL
                "sum" | "avg" | "min" | "max" | "group_concat" | "string_agg" => {
                    !scope.grouped || any
                }
                _ => true,
            };
        }
        match name.as_str() {
            "coalesce" | "ifnull" => args.iter().all(|n| *n),
            "iif" | "if" => args.get(1..).is_none_or(|r| r.iter().any(|n| *n)),
            // NULL exactly when an argument is
            // (not `unicode`, NULL for '', nor `sign`, NULL for 'abc')
            "abs" | "lower" | "upper" | "length" | "octet_length" | "trim" | "ltrim" | "rtrim"
            | "replace" | "substr" | "substring" | "instr" | "round" | "likely" | "unlikely"
            | "likelihood" | "min" | "max" | "concat_ws" | "glob" | "like" | "soundex"
            | "unhex" | "json" | "json_quote" | "json_type" | "json_valid" => {
                any || matches!(name.as_str(), "unhex" | "json_type")
            }
            "typeof" | "quote" | "random" | "randomblob" | "zeroblob" | "hex" | "concat"
            | "changes" | "total_changes" | "last_insert_rowid" | "sqlite_version"
            | "json_array" | "json_object" => {
                !matches!(
                    name.as_str(),
                    "typeof"
                        | "quote"
                        | "random"
                        | "hex"
                        | "concat"
                        | "changes"
                        | "total_changes"
                        | "last_insert_rowid"
                        | "sqlite_version"
                        | "json_array"
                        | "json_object"
                ) && any
            }
            _ => true,
        }
    }
}

/// SQLite's aggregate functions (`min` and `max` only with one argument).
const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "total",
    "avg",
    "min",
    "max",
    "group_concat",
    "string_agg",
    "json_group_array",
    "json_group_object",
    "median",
    "percentile",
];

fn is_aggregate_call(e: &Expr) -> bool {
    let Expr::Function(f) = e else {
        return false;
    };
    let Some(name) = last_part(&f.name) else {
        return false;
    };
    let n_args = match &f.args {
        FunctionArguments::List(l) => l.args.len(),
        _ => return false,
    };
    f.over.is_none()
        && AGGREGATES.contains(&name.as_str())
        && !((name == "min" || name == "max") && n_args != 1)
}

/// Whether an aggregate call appears in `e` (not inside a subquery).
fn has_aggregate(e: &Expr) -> bool {
    if is_aggregate_call(e) {
        return true;
    }
    match e {
        Expr::BinaryOp { left, right, .. } => has_aggregate(left) || has_aggregate(right),
        Expr::UnaryOp { expr, .. }
        | Expr::Nested(expr)
        | Expr::Cast { expr, .. }
        | Expr::Collate { expr, .. }
        | Expr::IsNull(expr)
        | Expr::IsNotNull(expr) => has_aggregate(expr),
        Expr::Function(f) => match &f.args {
            FunctionArguments::List(l) => l.args.iter().any(
                |a| matches!(a, FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) if has_aggregate(e)),
            ),
            _ => false,
        },
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            operand.as_deref().is_some_and(has_aggregate)
                || else_result.as_deref().is_some_and(has_aggregate)
                || conditions
                    .iter()
                    .any(|c| has_aggregate(&c.condition) || has_aggregate(&c.result))
        }
        _ => false,
    }
}

/// The columns of a table: NOT NULL, a rowid alias, or the key of a
/// WITHOUT ROWID or STRICT table are never NULL (another PRIMARY KEY can be).
fn table_columns(t: &Table) -> Vec<Col> {
    let keys = t.columns.iter().filter(|c| c.primary_key > 0).count();
    t.columns
        .iter()
        .map(|c| {
            let rowid_alias = !t.without_rowid
                && keys == 1
                && c.primary_key == 1
                && c.decl_type.eq_ignore_ascii_case("INTEGER");
            let enforced_key = c.primary_key > 0 && (t.without_rowid || t.strict);
            Col {
                name: c.name.clone(),
                nullable: !(c.not_null || rowid_alias || enforced_key),
                affinity: Some(c.affinity),
                hidden_from_star: c.hidden == Hidden::Hidden,
            }
        })
        .collect()
}

/// Renames a relation's columns by an alias's column list `t(a, b)`.
fn rename(cols: Vec<Col>, names: &[sqlparser::ast::TableAliasColumnDef]) -> Option<Vec<Col>> {
    if names.is_empty() {
        return Some(cols);
    }
    if names.len() != cols.len() {
        return None;
    }
    Some(
        cols.into_iter()
            .zip(names)
            .map(|(c, n)| Col {
                name: n.name.value.clone(),
                ..c
            })
            .collect(),
    )
}

/// The columns `*` shows of one relation.
fn star<'r>(rel: &'r Rel, scope: &'r Scope<'_>) -> impl Iterator<Item = Col> + 'r {
    rel.cols
        .iter()
        .filter(|c| !c.hidden_from_star)
        .map(move |c| Col {
            nullable: column_nullable(rel, c, scope),
            ..c.clone()
        })
}

/// Whether a column read through `*` can be NULL.
fn column_nullable(rel: &Rel, c: &Col, scope: &Scope<'_>) -> bool {
    scope.bare_nullable || column_nullable_in(rel, c)
}

/// Whether a column of `rel` can be NULL: as declared, unless a condition
/// proved it present; any column of an outer join's missing side.
fn column_nullable_in(rel: &Rel, c: &Col) -> bool {
    if rel.narrowed.contains(&lower(&c.name)) {
        return false;
    }
    c.nullable || rel.outer
}

/// Whether column `column` (of `table`, if named) can be NULL; unknown: yes.
fn resolve(scope: &Scope<'_>, table: Option<&str>, column: &str) -> bool {
    let column_l = lower(column);
    let table_l = table.map(lower);
    let mut current = Some(scope);
    while let Some(s) = current {
        for rel in &s.rels {
            if table_l.as_ref().is_some_and(|t| *t != rel.name) {
                continue;
            }
            if let Some(c) = rel.cols.iter().find(|c| lower(&c.name) == column_l) {
                // a bare column of an aggregate query without GROUP BY is NULL over no rows
                return (s.bare_nullable && std::ptr::eq(s, scope)) || column_nullable_in(rel, c);
            }
            if rel.has_rowid && matches!(column_l.as_str(), "rowid" | "oid" | "_rowid_") {
                return (s.bare_nullable && std::ptr::eq(s, scope)) || rel.outer;
            }
        }
        current = s.parent;
    }
    true
}

/// The column references a condition proves non-null for the rows it
/// keeps: each AND-ed `x IS NOT NULL`, `x = ...`, `x < ...`, `x LIKE ...`,
/// `x BETWEEN ...` (a NULL operand makes these NULL, which is not true).
fn proven_non_null<'e>(cond: &'e Expr, out: &mut Vec<&'e Expr>) {
    match cond {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            proven_non_null(left, out);
            proven_non_null(right, out);
        }
        Expr::Nested(inner) => proven_non_null(inner, out),
        Expr::IsNotNull(e) => out.push(e),
        Expr::BinaryOp {
            left,
            op:
                BinaryOperator::Eq
                | BinaryOperator::NotEq
                | BinaryOperator::Lt
                | BinaryOperator::LtEq
                | BinaryOperator::Gt
                | BinaryOperator::GtEq,
            right,
        } => {
            out.push(left);
            out.push(right);
        }
        Expr::Like { expr, pattern, .. } | Expr::ILike { expr, pattern, .. } => {
            out.push(expr);
            out.push(pattern);
        }
        Expr::Between {
            expr, low, high, ..
        } => {
            out.push(expr);
            out.push(low);
            out.push(high);
        }
        _ => {}
    }
}

/// Marks the column `e` refers to (if it is a plain column) as non-null.
fn narrow(scope: &mut Scope<'_>, e: &Expr) {
    let (table, column) = match e {
        Expr::Identifier(id) => (None, lower(&id.value)),
        Expr::CompoundIdentifier(ids) => match ids.as_slice() {
            [t, c] => (Some(lower(&t.value)), lower(&c.value)),
            _ => return,
        },
        Expr::Nested(inner) => return narrow(scope, inner),
        _ => return,
    };
    let found = scope.rels.iter_mut().find(|r| {
        table.as_ref().is_none_or(|t| *t == r.name)
            && r.cols.iter().any(|c| lower(&c.name) == column)
    });
    if let Some(rel) = found {
        rel.narrowed.insert(column);
    }
}

/// Column and subquery types, as a scope sees them.
struct InScope<'a, 'b, 's> {
    reader: &'a mut Reader<'s>,
    scope: &'a Scope<'b>,
}

impl types::Lookup for InScope<'_, '_, '_> {
    fn column(&self, table: Option<&str>, column: &str) -> Option<Affinity> {
        let column = lower(column);
        let table = table.map(lower);
        let mut current = Some(self.scope);
        while let Some(s) = current {
            for rel in &s.rels {
                if table.as_ref().is_some_and(|t| *t != rel.name) {
                    continue;
                }
                if let Some(c) = rel.cols.iter().find(|c| lower(&c.name) == column) {
                    return c.affinity;
                }
                if rel.has_rowid && matches!(column.as_str(), "rowid" | "oid" | "_rowid_") {
                    return Some(Affinity::Integer);
                }
            }
            current = s.parent;
        }
        None
    }

    fn subquery(&mut self, q: &Query) -> Option<Affinity> {
        match self.reader.query(q, Some(self.scope))?.as_slice() {
            [one] => one.affinity,
            _ => None,
        }
    }
}
