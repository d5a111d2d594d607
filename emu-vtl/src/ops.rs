//! Velocity's operators on values: equality (numbers by value, other kinds by `toString()`), ordering of
//! numbers, and arithmetic (integer when both sides are integers, `+` concatenating when one side is a string).

use crate::ast::BinOp;
use crate::budget::Sink;
use crate::error::LimitKind;
use crate::value::Value;

/// `==`. Both null: true. Null against `""`: true (API Gateway: a missing `$input.path` result equals both
/// `$null` and `""`, spec §7.5 OBSERVED). Numbers compare by value; values of one kind by content; values of
/// different kinds by their `toString()` (Velocity 1.7's ASTEQNode).
pub(crate) fn equals(a: &Value, b: &Value, sink: &mut Sink<'_>) -> Result<bool, LimitKind> {
    sink.charge(1)?;
    Ok(match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, Value::Str(s)) | (Value::Str(s), Value::Null) => s.is_empty(),
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Int(x), Value::Int(y)) => x == y,
        (x, y) if x.as_f64().is_some() && y.as_f64().is_some() => x.as_f64() == y.as_f64(),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            if std::rc::Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            if x.items.len() != y.items.len() {
                return Ok(false);
            }
            for (p, q) in x.items.iter().zip(&y.items) {
                if !equals(p, q, sink)? {
                    return Ok(false);
                }
            }
            true
        }
        (Value::Map(x), Value::Map(y)) => {
            if std::rc::Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            if x.entries.len() != y.entries.len() {
                return Ok(false);
            }
            for (k, p) in &x.entries {
                match y.entries.get(k) {
                    Some(q) if equals(p, q, sink)? => {}
                    _ => return Ok(false),
                }
            }
            true
        }
        (x, y) => x.to_text(sink)? == y.to_text(sink)?,
    })
}

/// `<`, `>`, `<=`, `>=`: numbers only; anything else is false (Velocity 1.7 logs an error and answers false).
pub(crate) fn compare(op: BinOp, a: &Value, b: &Value) -> bool {
    let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else { return false };
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return match op {
            BinOp::Lt => x < y,
            BinOp::Gt => x > y,
            BinOp::Le => x <= y,
            _ => x >= y,
        };
    }
    match op {
        BinOp::Lt => x < y,
        BinOp::Gt => x > y,
        BinOp::Le => x <= y,
        _ => x >= y,
    }
}

/// `+ - * / %`. Integer overflow widens to a float; division or remainder by zero is null (Velocity logs it);
/// `+` with a string on either side concatenates; other non-numbers give null.
pub(crate) fn arith(op: BinOp, a: &Value, b: &Value, sink: &mut Sink<'_>) -> Result<Value, LimitKind> {
    if op == BinOp::Add && (matches!(a, Value::Str(_)) || matches!(b, Value::Str(_))) {
        if a.is_null() || b.is_null() {
            return Ok(Value::Null);
        }
        let mut out = sink.child();
        a.write_text(&mut out)?;
        b.write_text(&mut out)?;
        return Ok(Value::string(out.into_string()));
    }
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        let (x, y) = (*x, *y);
        let exact = match op {
            BinOp::Add => x.checked_add(y),
            BinOp::Sub => x.checked_sub(y),
            BinOp::Mul => x.checked_mul(y),
            BinOp::Div if y == 0 => return Ok(Value::Null),
            BinOp::Div => x.checked_div(y),
            BinOp::Mod if y == 0 => return Ok(Value::Null),
            BinOp::Mod => x.checked_rem(y),
            _ => None,
        };
        if let Some(n) = exact {
            return Ok(Value::Int(n));
        }
    }
    let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else { return Ok(Value::Null) };
    Ok(match op {
        BinOp::Add => Value::Float(x + y),
        BinOp::Sub => Value::Float(x - y),
        BinOp::Mul => Value::Float(x * y),
        BinOp::Div if y == 0.0 => Value::Null,
        BinOp::Div => Value::Float(x / y),
        BinOp::Mod if y == 0.0 => Value::Null,
        BinOp::Mod => Value::Float(x % y),
        _ => Value::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Budget;

    #[test]
    fn equality_rules() {
        let budget = Budget::new();
        let mut sink = Sink::new(&budget);
        assert!(equals(&Value::Int(5), &Value::Float(5.0), &mut sink).unwrap());
        assert!(equals(&Value::str("5"), &Value::Int(5), &mut sink).unwrap());
        assert!(equals(&Value::Null, &Value::str(""), &mut sink).unwrap());
        assert!(!equals(&Value::Null, &Value::Int(0), &mut sink).unwrap());
        assert!(equals(&Value::str("true"), &Value::Bool(true), &mut sink).unwrap());
        assert!(!equals(&Value::str("a"), &Value::str("b"), &mut sink).unwrap());
    }

    #[test]
    fn arithmetic_rules() {
        let budget = Budget::new();
        let mut sink = Sink::new(&budget);
        let int = |v: Value| if let Value::Int(n) = v { Some(n) } else { None };
        assert_eq!(int(arith(BinOp::Div, &Value::Int(7), &Value::Int(2), &mut sink).unwrap()), Some(3));
        assert_eq!(int(arith(BinOp::Mod, &Value::Int(7), &Value::Int(2), &mut sink).unwrap()), Some(1));
        assert!(arith(BinOp::Div, &Value::Int(7), &Value::Int(0), &mut sink).unwrap().is_null());
        assert!(matches!(
            arith(BinOp::Add, &Value::Int(i64::MAX), &Value::Int(1), &mut sink).unwrap(),
            Value::Float(_)
        ));
        let Value::Str(s) = arith(BinOp::Add, &Value::str("a"), &Value::Int(1), &mut sink).unwrap() else {
            panic!("not a string")
        };
        assert_eq!(&*s, "a1");
        assert!(compare(BinOp::Lt, &Value::Int(1), &Value::Float(1.5)));
        assert!(!compare(BinOp::Lt, &Value::str("a"), &Value::str("b")));
    }
}
