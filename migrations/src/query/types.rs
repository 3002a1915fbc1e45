//! The SQL type (affinity) of a result expression, where SQLite declares
//! none: `count(*)` is an integer, `upper(name)` text, `max(score)` the
//! type of `score`. `None` means unknown: the macros then accept any type.

use sqlparser::ast::{
    BinaryOperator, DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    ObjectNamePart, Query, UnaryOperator, Value,
};

use crate::schema::Affinity;

/// Resolves what an expression refers to.
pub(crate) trait Lookup {
    /// The affinity of column `column` (of `table`, when qualified).
    fn column(&self, table: Option<&str>, column: &str) -> Option<Affinity>;
    /// The affinity of a scalar subquery's one column.
    fn subquery(&mut self, q: &Query) -> Option<Affinity>;
}

/// The affinity of `e`'s values, when it has one.
pub(crate) fn affinity(e: &Expr, lookup: &mut dyn Lookup) -> Option<Affinity> {
    use Affinity::{Integer, Real, Text};
    match e {
        Expr::Identifier(id) => lookup.column(None, &id.value),
        Expr::CompoundIdentifier(ids) => match ids.as_slice() {
            [t, c] | [_, t, c] => lookup.column(Some(&t.value), &c.value),
            _ => None,
        },
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => Some(if n.contains(['.', 'e', 'E']) {
                Real
            } else {
                Integer
            }),
            Value::SingleQuotedString(_) | Value::DoubleQuotedString(_) => Some(Text),
            Value::HexStringLiteral(_) | Value::SingleQuotedByteStringLiteral(_) => {
                Some(Affinity::Blob)
            }
            Value::Boolean(_) => Some(Integer),
            _ => None,
        },
        Expr::Nested(inner) | Expr::Collate { expr: inner, .. } => affinity(inner, lookup),
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            ..
        } => Some(Integer),
        Expr::UnaryOp { expr, .. } => affinity(expr, lookup),
        Expr::Cast { data_type, .. } => Some(cast_affinity(data_type)),
        Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsDistinctFrom(..)
        | Expr::IsNotDistinctFrom(..)
        | Expr::IsTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsNotTrue(_)
        | Expr::IsNotFalse(_)
        | Expr::Exists { .. }
        | Expr::In { .. }
        | Expr::Between { .. }
        | Expr::Like { .. }
        | Expr::ILike { .. } => Some(Integer),
        Expr::BinaryOp { left, op, right } => match op {
            BinaryOperator::StringConcat => Some(Text),
            BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Multiply
            | BinaryOperator::Divide
            | BinaryOperator::Modulo => {
                let (l, r) = (affinity(left, lookup), affinity(right, lookup));
                match (l, r) {
                    (Some(Integer), Some(Integer)) => Some(Integer),
                    (Some(Real), Some(Integer | Real)) | (Some(Integer), Some(Real)) => {
                        (*op != BinaryOperator::Modulo).then_some(Real)
                    }
                    _ => None,
                }
            }
            _ => Some(Integer),
        },
        Expr::Case {
            conditions,
            else_result,
            ..
        } => {
            let mut all = conditions.iter().map(|c| &c.result).collect::<Vec<_>>();
            all.extend(else_result.as_deref());
            common(all.into_iter(), lookup)
        }
        Expr::Subquery(q) => lookup.subquery(q),
        Expr::Function(f) => {
            let name = match f.name.0.last()? {
                ObjectNamePart::Identifier(id) => id.value.to_ascii_lowercase(),
                ObjectNamePart::Function(_) => return None,
            };
            let args: Vec<&Expr> = match &f.args {
                FunctionArguments::List(list) => list
                    .args
                    .iter()
                    .filter_map(|a| match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            match name.as_str() {
                "count" | "length" | "octet_length" | "instr" | "unicode" | "changes"
                | "total_changes" | "last_insert_rowid" | "row_number" | "rank" | "dense_rank"
                | "ntile" | "random" | "sign" | "json_valid" | "json_array_length" => Some(Integer),
                "total" | "avg" | "round" | "julianday" | "percent_rank" | "cume_dist" => {
                    Some(Real)
                }
                "lower" | "upper" | "trim" | "ltrim" | "rtrim" | "replace" | "substr"
                | "substring" | "printf" | "format" | "group_concat" | "string_agg" | "typeof"
                | "quote" | "hex" | "char" | "concat" | "concat_ws" | "date" | "time"
                | "datetime" | "strftime" | "json" | "json_array" | "json_object"
                | "json_group_array" | "json_group_object" | "json_quote" | "json_type"
                | "sqlite_version" | "soundex" => Some(Text),
                "randomblob" | "zeroblob" | "unhex" => Some(Affinity::Blob),
                "unixepoch" => Some(Integer),
                "abs" | "likely" | "unlikely" | "likelihood" => affinity(args.first()?, lookup),
                "sum" => match affinity(args.first()?, lookup)? {
                    Integer => Some(Integer),
                    Real => Some(Real),
                    _ => None,
                },
                "min" | "max" | "coalesce" | "ifnull" | "nullif" => {
                    common(args.into_iter(), lookup)
                }
                "iif" | "if" => common(args.into_iter().skip(1), lookup),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The one affinity every expression has; `None` when they differ or one
/// is unknown (a NULL literal is no type, and does not count).
fn common<'e>(exprs: impl Iterator<Item = &'e Expr>, lookup: &mut dyn Lookup) -> Option<Affinity> {
    let mut found = None;
    for e in exprs {
        if matches!(e, Expr::Value(v) if v.value == Value::Null) {
            continue;
        }
        let a = affinity(e, lookup)?;
        match found {
            None => found = Some(a),
            Some(f) if f == a => {}
            Some(_) => return None,
        }
    }
    found
}

/// CAST's type name, read as a declared type.
fn cast_affinity(t: &DataType) -> Affinity {
    Affinity::of(&t.to_string())
}
