//! The evaluator: walks the parsed nodes against one [`Scope`], with Velocity 1.7's semantics for references,
//! `#set`, `#if`, `#foreach`, and API Gateway's `$input`, `$util`, `$context` and `$stageVariables`.

use std::collections::HashMap;
use std::rc::Rc;

use indexmap::IndexMap;

use crate::ast::{BinOp, Expr, Lit, Node, Part, Pos, Reference};
use crate::budget::{Budget, Sink};
use crate::check;
use crate::error::{LimitKind, RenderError};
use crate::jsonpath;
use crate::locate::Locator;
use crate::methods::{self, Outcome};
use crate::ops;
use crate::util;
use crate::value::{LoopInfo, Value, parse_json};
use crate::{MAX_FOREACH_ITERATIONS, MAX_RANGE_LEN, MAX_RENDER_DEPTH, MAX_VALUE_DEPTH, Rendered, Scope};
use std::collections::HashSet;
use std::sync::Arc;

/// How a block ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Normal,
    Break,
    Stop,
}

/// A step of a place (a variable, or a map entry / list item inside one) that `#set` or `.put()` changes.
#[derive(Debug, Clone)]
enum Key {
    Name(String),
    Val(Value),
}

pub(crate) struct Renderer<'t> {
    src: &'t str,
    scope: &'t Scope<'t>,
    budget: &'t Budget,
    vars: HashMap<String, Value>,
    context: Option<Value>,
    stage: Option<Value>,
    body: Option<Value>,
    loops: Vec<LoopInfo>,
    /// `#define`d blocks, by the index a `Value::Block` holds.
    blocks: Vec<Arc<[Node]>>,
    /// Current rendering depth (node lists and expressions being evaluated).
    depth: u32,
    /// `$context.*Override.*` parameters set so far (each may be set once).
    overridden: HashSet<String>,
    /// Position of the construct being rendered (for errors raised while writing text).
    cur: Pos,
    locator: Option<Locator>,
}

impl<'t> Renderer<'t> {
    pub(crate) fn new(src: &'t str, scope: &'t Scope<'t>, budget: &'t Budget) -> Renderer<'t> {
        Renderer {
            src,
            scope,
            budget,
            vars: HashMap::new(),
            context: None,
            stage: None,
            body: None,
            loops: Vec::new(),
            overridden: HashSet::new(),
            blocks: Vec::new(),
            depth: 0,
            cur: Pos(0),
            locator: None,
        }
    }

    fn locate(&mut self, pos: Pos) -> (u32, u32) {
        let src = self.src;
        self.locator.get_or_insert_with(|| Locator::new(src)).locate(src, pos.0)
    }

    fn limit(&mut self, kind: LimitKind, pos: Pos) -> RenderError {
        let (line, column) = self.locate(pos);
        RenderError::Limit { kind, line, column }
    }

    fn unsupported(&mut self, construct: String, pos: Pos) -> RenderError {
        let (line, column) = self.locate(pos);
        RenderError::Unsupported { construct, line, column }
    }

    /// Maps a limit hit inside a helper to an error at the current construct.
    fn lim<T>(&mut self, r: Result<T, LimitKind>) -> Result<T, RenderError> {
        let pos = self.cur;
        r.map_err(|kind| self.limit(kind, pos))
    }

    fn sink(&self) -> Sink<'t> {
        Sink::new(self.budget)
    }

    /// Renders the template; then reads `$context.responseOverride`.
    pub(crate) fn run(&mut self, nodes: &[Node]) -> Result<Rendered, RenderError> {
        let mut out = self.sink();
        self.nodes(nodes, &mut out)?;
        let mut rendered = Rendered { body: out.into_string(), ..Rendered::default() };
        self.read_overrides(&mut rendered)?;
        Ok(rendered)
    }

    fn read_overrides(&mut self, rendered: &mut Rendered) -> Result<(), RenderError> {
        let Some(Value::Map(context)) = &self.context else { return Ok(()) };
        let context = Rc::clone(context);
        let over = match context.entries.get("responseOverride") {
            Some(Value::Map(over)) => Rc::clone(over),
            _ => Rc::new(crate::value::Map::default()),
        };
        let mut sink = self.sink();
        match over.entries.get("status") {
            None | Some(Value::Null) => {}
            Some(v) => {
                let text = self.lim(v.to_text(&mut sink))?;
                match text.trim().parse::<u16>() {
                    Ok(code) if (100..=599).contains(&code) => rendered.status_override = Some(code),
                    _ => return Err(RenderError::InvalidStatusOverride { value: text }),
                }
            }
        }
        rendered.header_overrides = self.pairs(over.entries.get("header"))?;
        if let Some(Value::Map(request)) = context.entries.get("requestOverride") {
            let request = Rc::clone(request);
            rendered.request_overrides.header = self.pairs(request.entries.get("header"))?;
            rendered.request_overrides.path = self.pairs(request.entries.get("path"))?;
            rendered.request_overrides.querystring = self.pairs(request.entries.get("querystring"))?;
        }
        Ok(())
    }

    /// A map's entries as text (null entries left out), in insertion order.
    fn pairs(&mut self, map: Option<&Value>) -> Result<Vec<(String, String)>, RenderError> {
        let mut out = Vec::new();
        if let Some(Value::Map(m)) = map {
            let mut sink = self.sink();
            for (name, v) in &m.entries {
                if !v.is_null() {
                    let text = self.lim(v.to_text(&mut sink))?;
                    out.push((name.clone(), text));
                }
            }
        }
        Ok(out)
    }

    /// Enters one level of rendering; fails past [`MAX_RENDER_DEPTH`].
    fn deeper(&mut self) -> Result<(), RenderError> {
        if self.depth >= MAX_RENDER_DEPTH {
            let pos = self.cur;
            return Err(self.limit(LimitKind::RenderDepth, pos));
        }
        self.depth += 1;
        Ok(())
    }

    fn nodes(&mut self, nodes: &[Node], out: &mut Sink<'t>) -> Result<Flow, RenderError> {
        self.deeper()?;
        let r = self.nodes_inner(nodes, out);
        self.depth -= 1;
        r
    }

    fn nodes_inner(&mut self, nodes: &[Node], out: &mut Sink<'t>) -> Result<Flow, RenderError> {
        for node in nodes {
            let flow = self.node(node, out)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn node(&mut self, node: &Node, out: &mut Sink<'t>) -> Result<Flow, RenderError> {
        let r = self.budget.charge(1);
        self.lim(r)?;
        match node {
            Node::Text(text) => {
                let r = out.push(text);
                self.lim(r)?;
            }
            Node::Ref(r) => self.render_ref(r, out)?,
            Node::Set { target, value, pos } => {
                self.cur = *pos;
                let v = self.eval(value)?;
                // Velocity 1.7: a null right-hand side leaves the target unchanged.
                if !v.is_null() {
                    self.assign(target, v)?;
                }
            }
            Node::If { branches, otherwise } => {
                for (cond, body) in branches {
                    if self.eval(cond)?.truthy() {
                        return self.nodes(body, out);
                    }
                }
                if let Some(body) = otherwise {
                    return self.nodes(body, out);
                }
            }
            Node::Foreach { var, iterable, body, pos } => return self.foreach(var, iterable, body, *pos, out),
            Node::Define { name, body } => {
                self.vars.insert(name.clone(), Value::Block(self.blocks.len()));
                self.blocks.push(Arc::clone(body));
            }
            Node::Break => return Ok(Flow::Break),
            Node::Stop => return Ok(Flow::Stop),
            Node::Unsupported { construct, pos } => return Err(self.unsupported(construct.clone(), *pos)),
        }
        Ok(Flow::Normal)
    }

    fn foreach(
        &mut self,
        var: &str,
        iterable: &Expr,
        body: &[Node],
        pos: Pos,
        out: &mut Sink<'t>,
    ) -> Result<Flow, RenderError> {
        self.cur = pos;
        let collection = self.eval(iterable)?;
        let len = match &collection {
            Value::List(l) => l.items.len(),
            Value::Map(m) => m.entries.len(),
            _ => 0,
        };
        if len > MAX_FOREACH_ITERATIONS {
            return Err(self.limit(LimitKind::ForeachIterations, pos));
        }
        let items: Vec<Value> = match collection {
            Value::List(l) => l.items.clone(),
            Value::Map(m) => m.entries.values().cloned().collect(),
            // Velocity iterates nothing for null or a value that is not a collection.
            _ => Vec::new(),
        };
        let saved = self.vars.insert(var.to_string(), Value::Null);
        let n = items.len();
        let mut flow = Flow::Normal;
        for (index, item) in items.into_iter().enumerate() {
            // Each step is charged like a few nodes: an empty body still costs a variable update and a frame.
            let r = self.budget.charge(4);
            self.lim(r)?;
            match self.vars.get_mut(var) {
                Some(slot) => *slot = item,
                None => {
                    self.vars.insert(var.to_string(), item);
                }
            }
            self.loops.push(LoopInfo { index, has_next: index + 1 < n });
            let r = self.nodes(body, out);
            self.loops.pop();
            match r? {
                Flow::Normal => {}
                Flow::Break => break,
                Flow::Stop => {
                    flow = Flow::Stop;
                    break;
                }
            }
        }
        match saved {
            Some(v) => self.vars.insert(var.to_string(), v),
            None => self.vars.remove(var),
        };
        Ok(flow)
    }

    fn render_ref(&mut self, r: &Reference, out: &mut Sink<'t>) -> Result<(), RenderError> {
        let v = self.eval_ref(r)?;
        self.cur = r.pos;
        let escapes = r.escapes as usize;
        let res = if escapes > 0 {
            if v.is_null() {
                out.push(&"\\".repeat(escapes)).and_then(|()| out.push(&r.source))
            } else {
                let r2 = out.push(&"\\".repeat(escapes / 2));
                if escapes % 2 == 1 {
                    r2.and_then(|()| out.push(&r.source))
                } else {
                    r2.and_then(|()| v.write_text(out))
                }
            }
        } else if v.is_null() {
            // Velocity prints a null reference as written unless it is `$!x`; API Gateway prints nothing for
            // both: a null `$result.nested` and a `$result` whose `#set` got null render empty (AWS-validated
            // LocalStack snapshots `test_input_path_template_formatting`, `test_input_body_formatting`).
            Ok(())
        } else {
            v.write_text(out)
        };
        self.lim(res)
    }

    fn lit(l: &Lit) -> Value {
        match l {
            Lit::Str(s) => Value::str(s),
            Lit::Int(n) => Value::Int(*n),
            Lit::Float(f) => Value::Float(*f),
            Lit::Bool(b) => Value::Bool(*b),
        }
    }

    pub(crate) fn eval(&mut self, e: &Expr) -> Result<Value, RenderError> {
        self.deeper()?;
        let r = self.eval_inner(e);
        self.depth -= 1;
        r
    }

    fn eval_inner(&mut self, e: &Expr) -> Result<Value, RenderError> {
        let r = self.budget.charge(1);
        self.lim(r)?;
        match e {
            Expr::Lit(l) => Ok(Self::lit(l)),
            Expr::Interpolated(nodes) => {
                let mut s = self.sink();
                self.nodes(nodes, &mut s)?;
                Ok(Value::string(s.into_string()))
            }
            Expr::Ref(r) => self.eval_ref(r),
            Expr::List(items) => {
                let mut vals = Vec::with_capacity(items.len());
                for item in items {
                    vals.push(self.eval(item)?);
                }
                let r = Value::list(vals, false);
                self.lim(r)
            }
            Expr::Range(a, b, pos) => {
                let (from, to) = (self.eval(a)?, self.eval(b)?);
                let int = |v: &Value| match v {
                    Value::Int(n) => Some(*n),
                    Value::Str(s) => s.trim().parse().ok(),
                    _ => None,
                };
                let (Some(from), Some(to)) = (int(&from), int(&to)) else { return Ok(Value::Null) };
                let len = from.abs_diff(to).saturating_add(1);
                if len > MAX_RANGE_LEN as u64 {
                    return Err(self.limit(LimitKind::RangeLength, *pos));
                }
                let r = self.budget.charge(len);
                self.lim(r)?;
                let items: Vec<Value> = if from <= to {
                    (from..=to).map(Value::Int).collect()
                } else {
                    (to..=from).rev().map(Value::Int).collect()
                };
                let r = Value::list(items, false);
                self.lim(r)
            }
            Expr::Map(entries) => {
                let mut map = IndexMap::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = self.eval(k)?;
                    let mut sink = self.sink();
                    let key = self.lim(key.to_text(&mut sink))?;
                    let value = self.eval(v)?;
                    map.insert(key, value);
                }
                let r = Value::map(map);
                self.lim(r)
            }
            Expr::Not(e) => Ok(Value::Bool(!self.eval(e)?.truthy())),
            Expr::Neg(e) => Ok(match self.eval(e)? {
                Value::Int(n) => n.checked_neg().map_or(Value::Float(-(n as f64)), Value::Int),
                Value::Float(f) => Value::Float(-f),
                _ => Value::Null,
            }),
            Expr::Binary(op, a, b, pos) => {
                match op {
                    BinOp::Or => return Ok(Value::Bool(self.eval(a)?.truthy() || self.eval(b)?.truthy())),
                    BinOp::And => return Ok(Value::Bool(self.eval(a)?.truthy() && self.eval(b)?.truthy())),
                    _ => {}
                }
                let (x, y) = (self.eval(a)?, self.eval(b)?);
                self.cur = *pos;
                let mut sink = self.sink();
                let r = match op {
                    BinOp::Eq => ops::equals(&x, &y, &mut sink).map(Value::Bool),
                    BinOp::Ne => ops::equals(&x, &y, &mut sink).map(|e| Value::Bool(!e)),
                    BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge => Ok(Value::Bool(ops::compare(*op, &x, &y))),
                    _ => ops::arith(*op, &x, &y, &mut sink),
                };
                self.lim(r)
            }
        }
    }

    /// `$context` and `$stageVariables`, converted from the scope's JSON on first use.
    fn builtin_slot(&mut self, root: &str) -> Result<Option<&mut Value>, RenderError> {
        let (slot, json) = match root {
            "context" => (&mut self.context, self.scope.context),
            "stageVariables" => (&mut self.stage, self.scope.stage_variables),
            _ => return Ok(self.vars.get_mut(root)),
        };
        if slot.is_none() {
            let v = match Value::from_json(json, 1) {
                // Both are JSON objects by contract; anything else reads as an empty one, so `#set` still works.
                Ok(v @ Value::Map(_)) => v,
                Ok(_) => Value::Map(Rc::new(crate::value::Map::default())),
                Err(kind) => {
                    let pos = self.cur;
                    return Err(self.limit(kind, pos));
                }
            };
            let slot = match root {
                "context" => &mut self.context,
                _ => &mut self.stage,
            };
            *slot = Some(v);
        }
        Ok(match root {
            "context" => self.context.as_mut(),
            _ => self.stage.as_mut(),
        })
    }

    fn root_value(&mut self, root: &str) -> Result<Value, RenderError> {
        if !self.vars.contains_key(root) {
            match root {
                "foreach" => return Ok(self.loops.last().map_or(Value::Null, |l| Value::Loop(*l))),
                "velocityCount" => {
                    return Ok(self.loops.last().map_or(Value::Null, |l| Value::Int(l.index as i64 + 1)));
                }
                _ => {}
            }
        }
        Ok(self.builtin_slot(root)?.map_or(Value::Null, |v| v.clone()))
    }

    pub(crate) fn eval_ref(&mut self, r: &Reference) -> Result<Value, RenderError> {
        self.cur = r.pos;
        let charged = self.budget.charge(1);
        self.lim(charged)?;
        let (mut v, skip) = match r.root.as_str() {
            "input" => (self.input(r)?, 1),
            "util" => (self.util(r)?, 1),
            "foreach" if !self.vars.contains_key("foreach") => {
                if let Some(construct) = check::foreach_member(r.parts.first()) {
                    return Err(self.unsupported(construct, r.pos));
                }
                (self.root_value("foreach")?, 0)
            }
            root => (self.root_value(root)?, 0),
        };
        // A `#define`d block renders now, with the variables of this moment.
        if let Value::Block(i) = v {
            let body = self.blocks.get(i).cloned().unwrap_or_else(|| Arc::from(Vec::new()));
            let mut out = self.sink();
            self.nodes(&body, &mut out)?;
            self.cur = r.pos;
            v = Value::string(out.into_string());
        }
        let placeable = skip == 0 && !matches!(r.root.as_str(), "foreach" | "velocityCount");
        let mut keys: Option<Vec<Key>> = placeable.then(Vec::new);
        for part in &r.parts[skip..] {
            if v.is_null() {
                return Ok(Value::Null);
            }
            let charged = self.budget.charge(1);
            self.lim(charged)?;
            v = match part {
                Part::Prop(name) => {
                    if let Some(k) = keys.as_mut() {
                        k.push(Key::Name(name.clone()));
                    }
                    property(&v, name)
                }
                Part::Index(e) => {
                    let idx = self.eval(e)?;
                    self.cur = r.pos;
                    if let Some(k) = keys.as_mut() {
                        k.push(Key::Val(idx.clone()));
                    }
                    let mut sink = self.sink();
                    let r = index(&v, &idx, &mut sink);
                    self.lim(r)?
                }
                Part::Method(name, args) => {
                    let mut argv = Vec::with_capacity(args.len());
                    for a in args {
                        argv.push(self.eval(a)?);
                    }
                    self.cur = r.pos;
                    if methods::is_mutating(name) && matches!(v, Value::List(_) | Value::Map(_)) {
                        if let Some(path) = keys.take() {
                            self.mutate_place(&r.root, &path, name, &argv)?
                        } else {
                            let mut sink = self.sink();
                            let res = methods::mutate(&mut v, name, &argv, &mut sink);
                            self.lim(res)?
                        }
                    } else {
                        match (name.as_str(), argv.as_slice(), keys.as_mut()) {
                            ("get", [key], Some(k)) => k.push(Key::Val(key.clone())),
                            _ => keys = None,
                        }
                        let mut sink = self.sink();
                        let res = methods::call(&v, name, &argv, &mut sink);
                        match self.lim(res)? {
                            Outcome::Value(v) => v,
                            Outcome::Regex(construct) => return Err(self.unsupported(construct, r.pos)),
                        }
                    }
                }
            };
        }
        Ok(v)
    }

    fn mutate_place(&mut self, root: &str, path: &[Key], name: &str, args: &[Value]) -> Result<Value, RenderError> {
        let budget = self.budget;
        let Some(slot) = self.builtin_slot(root)? else { return Ok(Value::Null) };
        let mut sink = Sink::new(budget);
        let r = navigate(slot, path, false, &mut sink, &mut |target, sink| methods::mutate(target, name, args, sink));
        Ok(self.lim(r)?.unwrap_or(Value::Null))
    }

    /// `#set`: a variable, or a map entry / list item inside one (`$context.*` creates missing maps on the way).
    fn assign(&mut self, target: &Reference, v: Value) -> Result<(), RenderError> {
        if matches!(target.root.as_str(), "input" | "util") {
            return Ok(());
        }
        let mut keys = Vec::with_capacity(target.parts.len());
        for part in &target.parts {
            keys.push(match part {
                Part::Prop(name) => Key::Name(name.clone()),
                Part::Index(e) => Key::Val(self.eval(e)?),
                Part::Method(name, args) if name == "get" && args.len() == 1 => Key::Val(self.eval(&args[0])?),
                // The parser refuses a method last; one in the middle names no place.
                Part::Method(..) => return Ok(()),
            });
        }
        self.cur = target.pos;
        if target.root == "context"
            && let Some(parameter) = override_parameter(&keys)
            && !self.overridden.insert(parameter.clone())
        {
            let (line, column) = self.locate(target.pos);
            return Err(RenderError::OverrideTwice { parameter, line, column });
        }
        let Some((last, path)) = keys.split_last() else {
            if matches!(target.root.as_str(), "context" | "stageVariables") {
                // Load first so the assignment is not overwritten by the lazy conversion.
                if let Some(slot) = self.builtin_slot(&target.root)? {
                    *slot = v;
                }
            } else {
                self.vars.insert(target.root.clone(), v);
            }
            return Ok(());
        };
        let create = target.root == "context";
        let budget = self.budget;
        let Some(slot) = self.builtin_slot(&target.root)? else { return Ok(()) };
        let mut sink = Sink::new(budget);
        let r = navigate(slot, path, create, &mut sink, &mut |parent, sink| set_key(parent, last, v.clone(), sink));
        self.lim(r).map(|_| ())
    }

    fn input(&mut self, r: &Reference) -> Result<Value, RenderError> {
        let pos = r.pos;
        let unsupported = |this: &mut Self| {
            let construct = check::input_member(r.parts.first()).unwrap_or_else(|| "$input".to_string());
            Err(this.unsupported(construct, pos))
        };
        let (name, args) = match r.parts.first() {
            // An empty body reads as `{}` (AWS-validated LocalStack snapshot `test_input_body_formatting`).
            Some(Part::Prop(name)) if name == "body" => {
                return Ok(Value::str(if self.scope.body.is_empty() { "{}" } else { self.scope.body }));
            }
            Some(Part::Method(name, args)) => (name.as_str(), args),
            _ => return unsupported(self),
        };
        match (name, args.len()) {
            ("json" | "path", 1) => {
                let arg = self.eval(&args[0])?;
                self.cur = pos;
                let mut sink = self.sink();
                let path_text = self.lim(arg.to_text(&mut sink))?;
                let path = jsonpath::parse(&path_text).map_err(|message| {
                    let (line, column) = self.locate(pos);
                    RenderError::InvalidJsonPath { path: path_text.clone(), message, line, column }
                })?;
                let body = self.body_json(pos)?;
                let found = jsonpath::eval(&path, &body, self.budget);
                let found = self.lim(found)?;
                if name == "path" {
                    return Ok(found.unwrap_or(Value::Null));
                }
                let Some(found) = found else { return Ok(Value::Null) };
                let mut out = self.sink();
                let r = found.write_json(&mut out);
                self.lim(r)?;
                Ok(Value::string(out.into_string()))
            }
            ("params", 0) => {
                let mut all = IndexMap::new();
                for (name, pairs) in
                    [("path", self.scope.path), ("querystring", self.scope.querystring), ("header", self.scope.header)]
                {
                    let r = self.budget.charge(pairs.len() as u64);
                    self.lim(r)?;
                    let map: IndexMap<String, Value> =
                        pairs.iter().map(|(k, v)| ((*k).to_string(), Value::str(v))).collect();
                    let r = Value::map(map);
                    all.insert(name.to_string(), self.lim(r)?);
                }
                let r = Value::map(all);
                self.lim(r)
            }
            ("params", 1) => {
                let arg = self.eval(&args[0])?;
                self.cur = pos;
                let mut sink = self.sink();
                let name = self.lim(arg.to_text(&mut sink))?;
                let found = last(self.scope.path, |k| k == name)
                    .or_else(|| last(self.scope.querystring, |k| k == name))
                    .or_else(|| last(self.scope.header, |k| k.eq_ignore_ascii_case(&name)));
                Ok(Value::str(found.unwrap_or("")))
            }
            _ => unsupported(self),
        }
    }

    /// The body as JSON, parsed once per render; an empty body reads as `{}` (as API Gateway's `$input.body`).
    fn body_json(&mut self, pos: Pos) -> Result<Value, RenderError> {
        if let Some(v) = &self.body {
            return Ok(v.clone());
        }
        let text = if self.scope.body.trim().is_empty() { "{}" } else { self.scope.body };
        let r = self.budget.charge((text.len() / 16) as u64);
        self.lim(r)?;
        let v = match parse_json(text) {
            Ok(v) => v,
            // Text that does not even start like JSON reads as one string, as API Gateway's lenient JSON reader
            // does: the usual form-urlencoded template runs `$input.path('$').split('&')` on a body `a=1&b=2`.
            Err(_) if !text.trim_start().starts_with(['{', '[', '"']) => Value::str(text.trim()),
            Err(source) => {
                let (line, column) = self.locate(pos);
                return Err(RenderError::InvalidJsonBody { line, column, source });
            }
        };
        self.body = Some(v.clone());
        Ok(v)
    }

    fn util(&mut self, r: &Reference) -> Result<Value, RenderError> {
        let pos = r.pos;
        if let Some(construct) = check::util_member(r.parts.first()) {
            return Err(self.unsupported(construct, pos));
        }
        let Some(Part::Method(name, args)) = r.parts.first() else {
            return Err(self.unsupported("$util".to_string(), pos));
        };
        let arg = self.eval(&args[0])?;
        self.cur = pos;
        if arg.is_null() {
            return Ok(Value::Null);
        }
        let mut sink = self.sink();
        let text = self.lim(arg.to_text(&mut sink))?;
        let r = self.budget.charge((text.len() / 16) as u64);
        self.lim(r)?;
        let decode_err = |this: &mut Self, function: &'static str, message: String| {
            let (line, column) = this.locate(pos);
            RenderError::Decode { function, message, line, column }
        };
        let out = match name.as_str() {
            "escapeJavaScript" => util::escape_javascript(&text),
            "urlEncode" => util::url_encode(&text),
            "urlDecode" => util::url_decode(&text).map_err(|m| decode_err(self, "$util.urlDecode", m))?,
            "base64Encode" => util::base64_encode(&text),
            "base64Decode" => util::base64_decode(&text).map_err(|m| decode_err(self, "$util.base64Decode", m))?,
            "parseJson" => {
                return parse_json(&text).map_err(|source| {
                    let (line, column) = self.locate(pos);
                    RenderError::ParseJson { line, column, source }
                });
            }
            other => return Err(self.unsupported(format!("$util.{other}"), pos)),
        };
        if out.len() > crate::MAX_OUTPUT_BYTES {
            return Err(self.limit(LimitKind::OutputSize, pos));
        }
        Ok(Value::string(out))
    }
}

/// `responseOverride.status`, `responseOverride.header.X`, `requestOverride.{header|path|querystring}.X`:
/// the override parameter a `#set($context...)` path names, if any.
fn override_parameter(keys: &[Key]) -> Option<String> {
    let name = |k: &Key| match k {
        Key::Name(n) => Some(n.clone()),
        Key::Val(Value::Str(s)) => Some(s.to_string()),
        Key::Val(_) => None,
    };
    let names: Vec<String> = keys.iter().map(name).collect::<Option<_>>()?;
    match names.as_slice() {
        [r, s] if r == "responseOverride" && s == "status" => Some(format!("{r}.{s}")),
        [r, kind, param] if r == "responseOverride" && kind == "header" => Some(format!("{r}.{kind}.{param}")),
        [r, kind, param] if r == "requestOverride" && matches!(kind.as_str(), "header" | "path" | "querystring") => {
            Some(format!("{r}.{kind}.{param}"))
        }
        _ => None,
    }
}

/// The last value for `name` (a repeated parameter keeps its last value).
fn last<'a>(pairs: &[(&'a str, &'a str)], matches: impl Fn(&str) -> bool) -> Option<&'a str> {
    pairs.iter().rev().find(|(k, _)| matches(k)).map(|(_, v)| *v)
}

/// `.name` on a value: a map entry, `$foreach`'s state, or a bean-style getter Velocity would find.
fn property(v: &Value, name: &str) -> Value {
    match v {
        Value::Map(m) => m.entries.get(name).cloned().unwrap_or(Value::Null),
        Value::Loop(info) => match name {
            "hasNext" => Value::Bool(info.has_next),
            "index" => Value::Int(info.index as i64),
            "count" => Value::Int(info.index as i64 + 1),
            "first" => Value::Bool(info.index == 0),
            "last" => Value::Bool(!info.has_next),
            _ => Value::Null,
        },
        Value::List(l) => match name {
            "empty" => Value::Bool(l.items.is_empty()),
            _ => Value::Null,
        },
        Value::Str(s) => match name {
            "empty" => Value::Bool(s.is_empty()),
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

/// `[idx]`: a list item by number, a map entry by key.
fn index(v: &Value, idx: &Value, sink: &mut Sink<'_>) -> Result<Value, LimitKind> {
    Ok(match (v, idx) {
        (Value::List(l), Value::Int(i)) => {
            let len = l.items.len() as i64;
            let at = if *i < 0 { len + i } else { *i };
            if (0..len).contains(&at) { l.items[at as usize].clone() } else { Value::Null }
        }
        (Value::Map(m), k) => m.entries.get(&k.to_text(sink)?).cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    })
}

fn key_text(key: &Key, sink: &mut Sink<'_>) -> Result<String, LimitKind> {
    match key {
        Key::Name(n) => Ok(n.clone()),
        Key::Val(v) => v.to_text(sink),
    }
}

/// Walks `path` inside `v` (copying shared maps and lists on the way) and runs `f` on what it names; None
/// when the path names nothing. With `create`, missing map entries are created as empty maps.
fn navigate<R>(
    v: &mut Value,
    path: &[Key],
    create: bool,
    sink: &mut Sink<'_>,
    f: &mut dyn FnMut(&mut Value, &mut Sink<'_>) -> Result<R, LimitKind>,
) -> Result<Option<R>, LimitKind> {
    let Some((key, rest)) = path.split_first() else { return f(v, sink).map(Some) };
    sink.charge(1)?;
    let (child_depth, r) = match v {
        Value::Map(rc) => {
            let name = key_text(key, sink)?;
            if Rc::strong_count(rc) > 1 {
                sink.charge(rc.entries.len() as u64)?;
            }
            let m = Rc::make_mut(rc);
            if create && !m.entries.contains_key(&name) {
                m.entries.insert(name.clone(), Value::map(IndexMap::new())?);
            }
            let Some(child) = m.entries.get_mut(&name) else { return Ok(None) };
            let r = navigate(child, rest, create, sink, f)?;
            (child.depth(), r)
        }
        Value::List(rc) => {
            let Key::Val(Value::Int(i)) = key else { return Ok(None) };
            if Rc::strong_count(rc) > 1 {
                sink.charge(rc.items.len() as u64)?;
            }
            let l = Rc::make_mut(rc);
            let len = l.items.len() as i64;
            let at = if *i < 0 { len + i } else { *i };
            if !(0..len).contains(&at) {
                return Ok(None);
            }
            let child = &mut l.items[at as usize];
            let r = navigate(child, rest, create, sink, f)?;
            (child.depth(), r)
        }
        _ => return Ok(None),
    };
    // The child may have grown deeper: keep this container's depth an upper bound, within the cap.
    if child_depth + 1 > MAX_VALUE_DEPTH {
        return Err(LimitKind::ValueDepth);
    }
    match v {
        Value::Map(rc) => {
            let m = Rc::make_mut(rc);
            m.depth = m.depth.max(child_depth + 1);
        }
        Value::List(rc) => {
            let l = Rc::make_mut(rc);
            l.depth = l.depth.max(child_depth + 1);
        }
        _ => {}
    }
    Ok(r)
}

/// `#set($parent.key = v)` once the parent is found.
fn set_key(parent: &mut Value, key: &Key, v: Value, sink: &mut Sink<'_>) -> Result<(), LimitKind> {
    if v.depth() + 1 > MAX_VALUE_DEPTH {
        return Err(LimitKind::ValueDepth);
    }
    match parent {
        Value::Map(rc) => {
            let name = key_text(key, sink)?;
            let m = Rc::make_mut(rc);
            m.depth = m.depth.max(v.depth() + 1);
            m.entries.insert(name, v);
        }
        Value::List(rc) => {
            if let Key::Val(Value::Int(i)) = key {
                let l = Rc::make_mut(rc);
                let len = l.items.len() as i64;
                let at = if *i < 0 { len + i } else { *i };
                if (0..len).contains(&at) {
                    l.depth = l.depth.max(v.depth() + 1);
                    l.items[at as usize] = v;
                }
            }
        }
        _ => {}
    }
    Ok(())
}
