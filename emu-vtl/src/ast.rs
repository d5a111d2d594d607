//! The parsed form of a template: text, references and directives, and the expressions inside them.
//! Plain owned data (no `Rc`), so a parsed [`crate::Template`] is `Send + Sync` and shared across requests.

use std::sync::Arc;

/// A byte offset into the template text; [`crate::locate::Locator`] turns it into a line and column when one is
/// reported (so parsing a long one-line template stays linear).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos(pub(crate) usize);

/// One piece of a template body.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Literal text, output as is.
    Text(String),
    /// A reference rendered into the output (`$x`, `${x}`, `$!x`, `$x.y(...)`).
    Ref(Reference),
    /// `#set($target = value)`.
    Set { target: Reference, value: Expr, pos: Pos },
    /// `#if` / `#elseif` branches, in order, then `#else`.
    If { branches: Vec<(Expr, Vec<Node>)>, otherwise: Option<Vec<Node>> },
    /// `#foreach($var in iterable) body #end`.
    Foreach { var: String, iterable: Expr, body: Vec<Node>, pos: Pos },
    /// `#define($name) body #end`: `$name` renders the body (with the variables of that moment).
    Define { name: String, body: Arc<[Node]> },
    /// `#break`: leaves the innermost `#foreach` (or stops the template outside one).
    Break,
    /// `#stop`: ends rendering; what was rendered so far is the output.
    Stop,
    /// A construct outside the subset; rendering it fails.
    Unsupported { construct: String, pos: Pos },
}

/// A reference: `$root` followed by properties, method calls and indexes.
#[derive(Debug, Clone)]
pub(crate) struct Reference {
    /// The variable name after `$`.
    pub(crate) root: String,
    pub(crate) parts: Vec<Part>,
    /// The reference as written, output for an escaped reference (`\$x` renders `$x`). A null reference renders
    /// as nothing whether written `$x` or `$!x` (API Gateway's behaviour, see `render`).
    pub(crate) source: String,
    /// Backslashes written just before the `$` (`\$x` renders `$x` when x is defined).
    pub(crate) escapes: u32,
    pub(crate) pos: Pos,
}

/// One step after the root of a reference.
#[derive(Debug, Clone)]
pub(crate) enum Part {
    /// `.name`: a map key, or a getter (`$foreach.hasNext`).
    Prop(String),
    /// `.name(args)`.
    Method(String, Vec<Expr>),
    /// `[expr]`.
    Index(Expr),
}

/// A literal value in the template.
#[derive(Debug, Clone)]
pub(crate) enum Lit {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// Binary operators, by Velocity's precedence (lowest first: `||`, `&&`, `== !=`, `< > <= >=`, `+ -`, `* / %`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// An expression inside a directive's or a method call's parentheses.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    Lit(Lit),
    /// A double-quoted string with references or directives in it: rendered as a template.
    Interpolated(Vec<Node>),
    Ref(Box<Reference>),
    List(Vec<Expr>),
    /// `[from..to]`, inclusive, counting down when from > to.
    Range(Box<Expr>, Box<Expr>, Pos),
    Map(Vec<(Expr, Expr)>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>, Pos),
}
