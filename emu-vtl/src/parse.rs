//! The template parser: text, `$` references, `#` directives and comments into [`Node`]s, by recursive descent.
//! Nesting (blocks, parentheses, strings) is capped at [`crate::MAX_NESTING`] so no input overflows the stack.

use crate::MAX_NESTING;
use crate::ast::{BinOp, Expr, Lit, Node, Part, Pos, Reference};
use crate::check;
use crate::error::{ParseError, Unsupported};
use crate::locate::Locator;

/// What ended a block.
enum Stop {
    Eof,
    End,
    Else,
    ElseIf(Expr),
}

pub(crate) struct Parser<'s> {
    src: &'s str,
    b: &'s [u8],
    /// Scanning stops here: the template's end, or a string literal's closing quote while parsing its contents.
    end: usize,
    depth: u32,
    /// Set when [`MAX_NESTING`] was exceeded: that error is never backtracked over.
    too_deep: bool,
    pub(crate) locator: Locator,
    pub(crate) unsupported: Vec<Unsupported>,
}

fn ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn push_text(nodes: &mut Vec<Node>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Node::Text(last)) = nodes.last_mut() {
        last.push_str(text);
    } else {
        nodes.push(Node::Text(text.to_string()));
    }
}

/// Removes up to `n` trailing spaces or tabs (a directive's indentation) from the last text node.
fn trim_text(nodes: &mut Vec<Node>, n: usize) {
    if n == 0 {
        return;
    }
    if let Some(Node::Text(last)) = nodes.last_mut() {
        let blanks = last.bytes().rev().take_while(|b| matches!(b, b' ' | b'\t')).count();
        let keep = last.len() - blanks.min(n);
        last.truncate(keep);
        if last.is_empty() {
            nodes.pop();
        }
    }
}

impl<'s> Parser<'s> {
    pub(crate) fn new(src: &'s str) -> Parser<'s> {
        Parser {
            src,
            b: src.as_bytes(),
            end: src.len(),
            depth: 0,
            too_deep: false,
            locator: Locator::new(src),
            unsupported: Vec::new(),
        }
    }

    fn peek(&self, k: usize) -> u8 {
        if k < self.end { self.b[k] } else { 0 }
    }

    fn starts(&self, k: usize, s: &str) -> bool {
        k + s.len() <= self.end && &self.b[k..k + s.len()] == s.as_bytes()
    }

    /// `word` at k, not followed by an identifier character.
    fn word(&self, k: usize, word: &str) -> bool {
        self.starts(k, word) && !ident_char(self.peek(k + word.len()))
    }

    pub(crate) fn err(&self, off: usize, message: impl Into<String>) -> ParseError {
        let (line, column) = self.locator.locate(self.src, off);
        ParseError { line, column, message: message.into() }
    }

    pub(crate) fn flag(&mut self, off: usize, construct: impl Into<String>) {
        let (line, column) = self.locator.locate(self.src, off);
        self.unsupported.push(Unsupported { construct: construct.into(), line, column });
    }

    fn enter(&mut self, off: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            self.depth -= 1;
            self.too_deep = true;
            return Err(self.err(off, format!("nested more than {MAX_NESTING} levels deep")));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn skip_ws(&self, k: &mut usize) {
        while matches!(self.peek(*k), b' ' | b'\t' | b'\n' | b'\r') {
            *k += 1;
        }
    }

    fn skip_blanks(&self, k: &mut usize) {
        while matches!(self.peek(*k), b' ' | b'\t') {
            *k += 1;
        }
    }

    fn ident(&self, k: &mut usize) -> &'s str {
        let start = *k;
        while ident_char(self.peek(*k)) || (self.peek(*k) == b'-' && ident_char(self.peek(*k + 1))) {
            *k += 1;
        }
        &self.src[start..*k]
    }

    /// Parses the whole template.
    pub(crate) fn template(&mut self) -> Result<Vec<Node>, ParseError> {
        let mut i = 0;
        let (nodes, stop, at) = self.block(&mut i, false)?;
        match stop {
            Stop::Eof => Ok(nodes),
            Stop::End => Err(self.err(at, "#end without a matching #if, #foreach, #macro or #define")),
            Stop::Else => Err(self.err(at, "#else without a matching #if")),
            Stop::ElseIf(_) => Err(self.err(at, "#elseif without a matching #if")),
        }
    }

    /// Parses nodes until the end of the region or a block-ending directive (returned with its offset).
    fn block(&mut self, i: &mut usize, in_string: bool) -> Result<(Vec<Node>, Stop, usize), ParseError> {
        let mut nodes = Vec::new();
        while *i < self.end {
            match self.b[*i] {
                b'$' => match self.reference(i)? {
                    Some(r) => nodes.push(Node::Ref(r)),
                    None => {
                        push_text(&mut nodes, "$");
                        *i += 1;
                    }
                },
                b'\\' => self.backslashes(i, in_string, &mut nodes)?,
                b'#' => {
                    if let Some((stop, at)) = self.hash(i, in_string, &mut nodes)? {
                        return Ok((nodes, stop, at));
                    }
                }
                _ => {
                    let start = *i;
                    while *i < self.end && !matches!(self.b[*i], b'$' | b'#' | b'\\') {
                        *i += 1;
                    }
                    push_text(&mut nodes, &self.src[start..*i]);
                }
            }
        }
        Ok((nodes, Stop::Eof, self.end))
    }

    /// A run of backslashes: escapes a following reference or directive, or is literal text.
    fn backslashes(&mut self, i: &mut usize, in_string: bool, nodes: &mut Vec<Node>) -> Result<(), ParseError> {
        let start = *i;
        let mut j = start;
        while self.peek(j) == b'\\' {
            j += 1;
        }
        let n = j - start;
        if self.peek(j) == b'$' {
            let mut k = j;
            if let Some(mut r) = self.reference(&mut k)? {
                r.escapes = u32::try_from(n).unwrap_or(u32::MAX);
                nodes.push(Node::Ref(r));
                *i = k;
                return Ok(());
            }
        } else if self.peek(j) == b'#' && self.directive_name(j + 1).is_some() {
            push_text(nodes, &"\\".repeat(n / 2));
            if n % 2 == 1 {
                push_text(nodes, "#");
                *i = j + 1;
            } else {
                *i = j;
            }
            return Ok(());
        } else if in_string && self.peek(j) == b'"' {
            // `\"` inside a double-quoted string literal is a quote.
            push_text(nodes, &"\\".repeat(n - 1));
            push_text(nodes, "\"");
            *i = j + 1;
            return Ok(());
        }
        push_text(nodes, &self.src[start..j]);
        *i = j;
        Ok(())
    }

    /// A directive name after `#` (`if`, `{if}`): the name and the offset after it.
    fn directive_name(&self, k: usize) -> Option<(&'s str, usize)> {
        let mut j = k;
        let braced = self.peek(j) == b'{';
        if braced {
            j += 1;
        }
        let start = j;
        while self.peek(j).is_ascii_alphabetic() {
            j += 1;
        }
        if j == start {
            return None;
        }
        let name = &self.src[start..j];
        if braced {
            if self.peek(j) != b'}' {
                return None;
            }
            j += 1;
        }
        Some((name, j))
    }

    /// Whether only spaces or tabs stand between the start of `off`'s line and `off`: their count.
    fn blank_before(&self, off: usize, in_string: bool) -> Option<usize> {
        if in_string {
            return None;
        }
        let mut k = off;
        while k > 0 && matches!(self.b[k - 1], b' ' | b'\t') {
            k -= 1;
        }
        (k == 0 || self.b[k - 1] == b'\n').then_some(off - k)
    }

    /// Whether only spaces or tabs follow `off` on its line: the offset after the line's newline.
    fn blank_after(&self, off: usize) -> Option<usize> {
        let mut k = off;
        self.skip_blanks(&mut k);
        match self.peek(k) {
            b'\n' => Some(k + 1),
            b'\r' if self.peek(k + 1) == b'\n' => Some(k + 2),
            0 if k >= self.end => Some(k),
            _ => None,
        }
    }

    /// Velocity 2's "lines" whitespace gobbling: a directive alone on its line takes the whole line with it.
    fn gobble(&self, start: usize, i: &mut usize, in_string: bool, nodes: &mut Vec<Node>) {
        if let Some(before) = self.blank_before(start, in_string)
            && let Some(after) = self.blank_after(*i)
        {
            trim_text(nodes, before);
            *i = after;
        }
    }

    /// At `#`: a comment, a directive (maybe ending the current block), or literal text.
    fn hash(
        &mut self,
        i: &mut usize,
        in_string: bool,
        nodes: &mut Vec<Node>,
    ) -> Result<Option<(Stop, usize)>, ParseError> {
        let start = *i;
        match self.peek(start + 1) {
            b'#' => {
                // `##` comment: to the end of the line, newline included.
                let blank = self.blank_before(start, in_string);
                let mut k = start + 2;
                while k < self.end && self.b[k] != b'\n' {
                    k += 1;
                }
                if let Some(n) = blank {
                    trim_text(nodes, n);
                }
                *i = (k + 1).min(self.end);
                return Ok(None);
            }
            b'*' => {
                let Some(close) = self.find(start + 2, "*#") else {
                    return Err(self.err(start, "unterminated #* comment: no closing *#"));
                };
                *i = close + 2;
                self.gobble(start, i, in_string, nodes);
                return Ok(None);
            }
            b'[' if self.peek(start + 2) == b'[' => {
                let Some(close) = self.find(start + 3, "]]#") else {
                    return Err(self.err(start, "unterminated #[[ unparsed block: no closing ]]#"));
                };
                push_text(nodes, &self.src[start + 3..close]);
                *i = close + 3;
                return Ok(None);
            }
            _ => {}
        }
        let Some((name, after)) = self.directive_name(start + 1) else {
            push_text(nodes, "#");
            *i += 1;
            return Ok(None);
        };
        match name {
            "set" => {
                let mut k = self.open_paren(after, start, "#set")?;
                let (target, value) = self.set_args(&mut k, start)?;
                *i = k;
                self.gobble(start, i, in_string, nodes);
                nodes.push(Node::Set { target, value, pos: Pos(start) });
                Ok(None)
            }
            "if" => {
                let mut k = self.open_paren(after, start, "#if")?;
                let cond = self.condition(&mut k, "#if")?;
                *i = k;
                self.gobble(start, i, in_string, nodes);
                self.enter(start)?;
                let node = self.if_chain(i, start, cond, in_string);
                self.leave();
                nodes.push(node?);
                Ok(None)
            }
            "elseif" => {
                let mut k = self.open_paren(after, start, "#elseif")?;
                let cond = self.condition(&mut k, "#elseif")?;
                *i = k;
                self.gobble(start, i, in_string, nodes);
                Ok(Some((Stop::ElseIf(cond), start)))
            }
            "else" => {
                *i = after;
                self.gobble(start, i, in_string, nodes);
                Ok(Some((Stop::Else, start)))
            }
            "end" => {
                *i = after;
                self.gobble(start, i, in_string, nodes);
                Ok(Some((Stop::End, start)))
            }
            "foreach" => {
                let mut k = self.open_paren(after, start, "#foreach")?;
                let (var, iterable) = self.foreach_args(&mut k)?;
                *i = k;
                self.gobble(start, i, in_string, nodes);
                self.enter(start)?;
                let body = self.block(i, in_string);
                self.leave();
                let (body, stop, at) = body?;
                match stop {
                    Stop::End => {}
                    Stop::Eof => return Err(self.err(start, "#foreach has no matching #end")),
                    Stop::Else | Stop::ElseIf(_) => {
                        return Err(self.err(at, "#else/#elseif inside #foreach without an #if"));
                    }
                }
                nodes.push(Node::Foreach { var: var.to_string(), iterable, body, pos: Pos(start) });
                Ok(None)
            }
            "break" | "stop" => {
                let mut k = after;
                // `#break($foreach)` names the scope to leave; only the innermost loop is served.
                if self.peek(k) == b'(' {
                    k = self.skip_parens(k, start)?;
                }
                *i = k;
                self.gobble(start, i, in_string, nodes);
                nodes.push(if name == "break" { Node::Break } else { Node::Stop });
                Ok(None)
            }
            "define" => {
                let mut k = self.open_paren(after, start, "#define")?;
                self.skip_ws(&mut k);
                let name = match self.peek(k) {
                    b'$' => {
                        k += 1;
                        if self.peek(k) == b'!' {
                            k += 1;
                        }
                        let braced = self.peek(k) == b'{';
                        if braced {
                            k += 1;
                        }
                        let name = if ident_start(self.peek(k)) { self.ident(&mut k) } else { "" };
                        if braced && self.peek(k) == b'}' {
                            k += 1;
                        }
                        name
                    }
                    _ => "",
                };
                if name.is_empty() {
                    return Err(self.err(start, "#define needs a reference to name the block, e.g. #define($body)"));
                }
                self.close_paren(&mut k, "#define")?;
                *i = k;
                self.gobble(start, i, in_string, nodes);
                self.enter(start)?;
                let body = self.block(i, in_string);
                self.leave();
                let (body, stop, _) = body?;
                if !matches!(stop, Stop::End) {
                    return Err(self.err(start, "#define has no matching #end"));
                }
                nodes.push(Node::Define { name: name.to_string(), body: body.into() });
                Ok(None)
            }
            "macro" => {
                let mut k = after;
                self.skip_blanks(&mut k);
                if self.peek(k) != b'(' {
                    return Err(self.err(start, "#macro needs its arguments in parentheses"));
                }
                k = self.skip_parens(k, start)?;
                *i = k;
                self.enter(start)?;
                let body = self.block(i, in_string);
                self.leave();
                let (_, stop, _) = body?;
                if !matches!(stop, Stop::End) {
                    return Err(self.err(start, "#macro has no matching #end"));
                }
                self.flag(start, "#macro");
                nodes.push(Node::Unsupported { construct: "#macro".to_string(), pos: Pos(start) });
                Ok(None)
            }
            "parse" | "include" | "evaluate" => {
                let mut k = after;
                self.skip_blanks(&mut k);
                if self.peek(k) == b'(' {
                    k = self.skip_parens(k, start)?;
                }
                *i = k;
                self.flag(start, format!("#{name}"));
                nodes.push(Node::Unsupported { construct: format!("#{name}"), pos: Pos(start) });
                Ok(None)
            }
            _ => {
                // Not a directive (a colour `#fff`, a macro call Velocity would print literally): text.
                push_text(nodes, "#");
                *i += 1;
                Ok(None)
            }
        }
    }

    fn find(&self, from: usize, pat: &str) -> Option<usize> {
        self.src.get(from..self.end)?.find(pat).map(|p| p + from)
    }

    /// Skips a balanced parenthesised group at `k` (strings inside may hold parentheses).
    fn skip_parens(&self, k: usize, start: usize) -> Result<usize, ParseError> {
        let mut depth = 0usize;
        let mut j = k;
        while j < self.end {
            match self.b[j] {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(j + 1);
                    }
                }
                q @ (b'"' | b'\'') => {
                    j += 1;
                    while j < self.end && self.b[j] != q {
                        j += 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        Err(self.err(start, "unclosed parenthesis: no matching )"))
    }

    fn open_paren(&self, after: usize, start: usize, what: &str) -> Result<usize, ParseError> {
        let mut k = after;
        self.skip_blanks(&mut k);
        if self.peek(k) != b'(' {
            return Err(self.err(start, format!("{what} needs parentheses, e.g. {what}($x ...)")));
        }
        Ok(k + 1)
    }

    fn close_paren(&self, k: &mut usize, what: &str) -> Result<(), ParseError> {
        self.skip_ws(k);
        if self.peek(*k) != b')' {
            return Err(self.err(*k, format!("expected `)` to close {what}")));
        }
        *k += 1;
        Ok(())
    }

    fn condition(&mut self, k: &mut usize, what: &str) -> Result<Expr, ParseError> {
        let cond = self.expr(k)?;
        self.close_paren(k, what)?;
        Ok(cond)
    }

    fn set_args(&mut self, k: &mut usize, start: usize) -> Result<(Reference, Expr), ParseError> {
        self.skip_ws(k);
        if self.peek(*k) != b'$' {
            return Err(self.err(*k, "#set needs a reference to assign, e.g. #set($x = 1)"));
        }
        let Some(target) = self.reference(k)? else {
            return Err(self.err(*k, "#set needs a reference to assign, e.g. #set($x = 1)"));
        };
        if matches!(target.parts.last(), Some(Part::Method(..))) {
            return Err(self.err(start, "#set cannot assign to a method call"));
        }
        self.skip_ws(k);
        if self.peek(*k) != b'=' {
            return Err(self.err(*k, "expected `=` in #set"));
        }
        *k += 1;
        let value = self.expr(k)?;
        self.close_paren(k, "#set")?;
        Ok((target, value))
    }

    fn foreach_args(&mut self, k: &mut usize) -> Result<(&'s str, Expr), ParseError> {
        self.skip_ws(k);
        if self.peek(*k) != b'$' {
            return Err(self.err(*k, "#foreach needs a loop variable, e.g. #foreach($item in $list)"));
        }
        *k += 1;
        if self.peek(*k) == b'!' {
            *k += 1;
        }
        let braced = self.peek(*k) == b'{';
        if braced {
            *k += 1;
        }
        if !ident_start(self.peek(*k)) {
            return Err(self.err(*k, "#foreach needs a loop variable, e.g. #foreach($item in $list)"));
        }
        let var = self.ident(k);
        if braced {
            if self.peek(*k) != b'}' {
                return Err(self.err(*k, "expected `}` after the loop variable"));
            }
            *k += 1;
        }
        self.skip_ws(k);
        if !self.word(*k, "in") {
            return Err(self.err(*k, "expected `in` in #foreach($item in $list)"));
        }
        *k += 2;
        let iterable = self.expr(k)?;
        self.close_paren(k, "#foreach")?;
        Ok((var, iterable))
    }

    /// `#if(cond)` already read: the branches up to the matching `#end`.
    fn if_chain(&mut self, i: &mut usize, start: usize, cond: Expr, in_string: bool) -> Result<Node, ParseError> {
        let mut branches = Vec::new();
        let mut cond = cond;
        loop {
            let (body, stop, at) = self.block(i, in_string)?;
            branches.push((cond, body));
            match stop {
                Stop::End => return Ok(Node::If { branches, otherwise: None }),
                Stop::ElseIf(next) => cond = next,
                Stop::Else => {
                    let (body, stop, at2) = self.block(i, in_string)?;
                    return match stop {
                        Stop::End => Ok(Node::If { branches, otherwise: Some(body) }),
                        Stop::Eof => Err(self.err(start, "#if has no matching #end")),
                        Stop::Else | Stop::ElseIf(_) => Err(self.err(at2, "#else/#elseif after #else")),
                    };
                }
                Stop::Eof => {
                    let _ = at;
                    return Err(self.err(start, "#if has no matching #end"));
                }
            }
        }
    }

    /// At `$`: a reference, or `None` (the `$` is text) when no identifier follows.
    pub(crate) fn reference(&mut self, i: &mut usize) -> Result<Option<Reference>, ParseError> {
        let start = *i;
        let mut j = start + 1;
        if self.peek(j) == b'!' {
            j += 1;
        }
        let braced = self.peek(j) == b'{';
        if braced {
            j += 1;
        }
        if !ident_start(self.peek(j)) {
            return Ok(None);
        }
        let flagged = self.unsupported.len();
        let root = self.ident(&mut j).to_string();
        self.enter(start)?;
        let parts = self.parts(&mut j);
        self.leave();
        let parts = parts?;
        if braced {
            if self.peek(j) != b'}' {
                self.unsupported.truncate(flagged);
                return Ok(None);
            }
            j += 1;
        }
        *i = j;
        let r = Reference { root, parts, source: self.src[start..j].to_string(), escapes: 0, pos: Pos(start) };
        check::reference(self, &r);
        Ok(Some(r))
    }

    fn parts(&mut self, j: &mut usize) -> Result<Vec<Part>, ParseError> {
        let mut parts = Vec::new();
        loop {
            if self.peek(*j) == b'.' && ident_start(self.peek(*j + 1)) {
                let mut k = *j + 1;
                let name = self.ident(&mut k).to_string();
                if self.peek(k) == b'(' {
                    k += 1;
                    let args = self.args(&mut k)?;
                    parts.push(Part::Method(name, args));
                } else {
                    parts.push(Part::Prop(name));
                }
                *j = k;
            } else if self.peek(*j) == b'[' {
                // An index; anything else after `[` (text such as `$price[USD]`) ends the reference.
                let mut k = *j + 1;
                let flagged = self.unsupported.len();
                match self.expr(&mut k) {
                    Ok(e) => {
                        self.skip_ws(&mut k);
                        if self.peek(k) != b']' {
                            self.unsupported.truncate(flagged);
                            break;
                        }
                        parts.push(Part::Index(e));
                        *j = k + 1;
                    }
                    Err(e) if self.too_deep => return Err(e),
                    Err(_) => {
                        self.unsupported.truncate(flagged);
                        break;
                    }
                }
            } else {
                break;
            }
        }
        Ok(parts)
    }

    fn args(&mut self, k: &mut usize) -> Result<Vec<Expr>, ParseError> {
        let open = *k - 1;
        let mut args = Vec::new();
        self.skip_ws(k);
        if self.peek(*k) == b')' {
            *k += 1;
            return Ok(args);
        }
        loop {
            args.push(self.expr(k)?);
            self.skip_ws(k);
            match self.peek(*k) {
                b',' => *k += 1,
                b')' => {
                    *k += 1;
                    return Ok(args);
                }
                0 if *k >= self.end => return Err(self.err(open, "unclosed method call: no matching )")),
                _ => return Err(self.err(*k, "expected `,` or `)` in the method call's arguments")),
            }
        }
    }

    pub(crate) fn expr(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        self.enter(*k)?;
        let r = self.or(k);
        self.leave();
        r
    }

    fn binary_chain(
        &mut self,
        k: &mut usize,
        ops: &[(&str, BinOp)],
        next: fn(&mut Self, &mut usize) -> Result<Expr, ParseError>,
    ) -> Result<Expr, ParseError> {
        let mut left = next(self, k)?;
        'outer: loop {
            self.skip_ws(k);
            for &(tok, op) in ops {
                let is_word = tok.as_bytes()[0].is_ascii_alphabetic();
                let matched = if is_word { self.word(*k, tok) } else { self.starts(*k, tok) };
                // `<` must not take the first half of `<=`, `!` of `!=` is handled by the order of `ops`.
                if matched {
                    let at = *k;
                    *k += tok.len();
                    let right = next(self, k)?;
                    left = Expr::Binary(op, Box::new(left), Box::new(right), Pos(at));
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn or(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        self.binary_chain(k, &[("||", BinOp::Or), ("or", BinOp::Or)], Self::and)
    }

    fn and(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        self.binary_chain(k, &[("&&", BinOp::And), ("and", BinOp::And)], Self::equality)
    }

    fn equality(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        self.binary_chain(
            k,
            &[("==", BinOp::Eq), ("!=", BinOp::Ne), ("eq", BinOp::Eq), ("ne", BinOp::Ne)],
            Self::relational,
        )
    }

    fn relational(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        self.binary_chain(
            k,
            &[
                ("<=", BinOp::Le),
                (">=", BinOp::Ge),
                ("<", BinOp::Lt),
                (">", BinOp::Gt),
                ("le", BinOp::Le),
                ("ge", BinOp::Ge),
                ("lt", BinOp::Lt),
                ("gt", BinOp::Gt),
            ],
            Self::additive,
        )
    }

    fn additive(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        self.binary_chain(k, &[("+", BinOp::Add), ("-", BinOp::Sub)], Self::multiplicative)
    }

    fn multiplicative(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        self.binary_chain(k, &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Mod)], Self::unary)
    }

    fn unary(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        self.skip_ws(k);
        if self.peek(*k) == b'!' && self.peek(*k + 1) != b'=' {
            *k += 1;
            self.enter(*k)?;
            let e = self.unary(k);
            self.leave();
            return Ok(Expr::Not(Box::new(e?)));
        }
        if self.word(*k, "not") {
            *k += 3;
            self.enter(*k)?;
            let e = self.unary(k);
            self.leave();
            return Ok(Expr::Not(Box::new(e?)));
        }
        if self.peek(*k) == b'-' {
            if self.peek(*k + 1).is_ascii_digit() {
                return self.number(k);
            }
            *k += 1;
            self.enter(*k)?;
            let e = self.unary(k);
            self.leave();
            return Ok(Expr::Neg(Box::new(e?)));
        }
        self.primary(k)
    }

    fn number(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        let start = *k;
        if self.peek(*k) == b'-' {
            *k += 1;
        }
        while self.peek(*k).is_ascii_digit() {
            *k += 1;
        }
        let float = self.peek(*k) == b'.' && self.peek(*k + 1).is_ascii_digit();
        if float {
            *k += 1;
            while self.peek(*k).is_ascii_digit() {
                *k += 1;
            }
        }
        let text = &self.src[start..*k];
        if float {
            text.parse::<f64>().map(|f| Expr::Lit(Lit::Float(f))).map_err(|_| self.err(start, "malformed number"))
        } else {
            text.parse::<i64>().map(|n| Expr::Lit(Lit::Int(n))).map_err(|_| self.err(start, "integer out of range"))
        }
    }

    fn primary(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        self.skip_ws(k);
        let start = *k;
        match self.peek(*k) {
            b'"' => self.dq_string(k),
            b'\'' => {
                let Some(close) = self.find(start + 1, "'") else {
                    return Err(self.err(start, "unterminated string literal: no closing '"));
                };
                *k = close + 1;
                Ok(Expr::Lit(Lit::Str(self.src[start + 1..close].to_string())))
            }
            c if c.is_ascii_digit() => self.number(k),
            b'[' => self.list(k),
            b'{' => self.map(k),
            b'(' => {
                *k += 1;
                let e = self.expr(k)?;
                self.close_paren(k, "the parenthesis")?;
                Ok(e)
            }
            b'$' => match self.reference(k)? {
                Some(r) => Ok(Expr::Ref(Box::new(r))),
                None => Err(self.err(start, "expected a reference name after `$`")),
            },
            _ if self.word(*k, "true") => {
                *k += 4;
                Ok(Expr::Lit(Lit::Bool(true)))
            }
            _ if self.word(*k, "false") => {
                *k += 5;
                Ok(Expr::Lit(Lit::Bool(false)))
            }
            0 if *k >= self.end => Err(self.err(start, "expected a value, found the end of the template")),
            _ => {
                Err(self.err(start, "expected a value: a $reference, a string, a number, true/false, [list] or {map}"))
            }
        }
    }

    fn dq_string(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        let start = *k;
        let mut j = start + 1;
        while j < self.end {
            match self.b[j] {
                b'\\' if self.peek(j + 1) == b'"' => j += 2,
                b'"' => break,
                _ => j += 1,
            }
        }
        if j >= self.end {
            return Err(self.err(start, "unterminated string literal: no closing \""));
        }
        let content = &self.src[start + 1..j];
        *k = j + 1;
        if !content.contains(['$', '#', '\\']) {
            return Ok(Expr::Lit(Lit::Str(content.to_string())));
        }
        let saved_end = self.end;
        self.end = j;
        let mut i = start + 1;
        let r = match self.enter(start) {
            Ok(()) => {
                let r = self.block(&mut i, true);
                self.leave();
                r
            }
            Err(e) => Err(e),
        };
        self.end = saved_end;
        let (nodes, stop, at) = r?;
        match stop {
            Stop::Eof => Ok(Expr::Interpolated(nodes)),
            _ => Err(self.err(at, "#end/#else inside a string literal without its #if or #foreach")),
        }
    }

    fn list(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        let open = *k;
        *k += 1;
        self.skip_ws(k);
        if self.peek(*k) == b']' {
            *k += 1;
            return Ok(Expr::List(Vec::new()));
        }
        let first = self.expr(k)?;
        self.skip_ws(k);
        if self.starts(*k, "..") {
            *k += 2;
            let last = self.expr(k)?;
            self.skip_ws(k);
            if self.peek(*k) != b']' {
                return Err(self.err(*k, "expected `]` to close the range"));
            }
            *k += 1;
            return Ok(Expr::Range(Box::new(first), Box::new(last), Pos(open)));
        }
        let mut items = vec![first];
        loop {
            self.skip_ws(k);
            match self.peek(*k) {
                b',' => {
                    *k += 1;
                    items.push(self.expr(k)?);
                }
                b']' => {
                    *k += 1;
                    return Ok(Expr::List(items));
                }
                _ => return Err(self.err(open, "unclosed list: expected `,` or `]`")),
            }
        }
    }

    fn map(&mut self, k: &mut usize) -> Result<Expr, ParseError> {
        let open = *k;
        *k += 1;
        let mut entries = Vec::new();
        self.skip_ws(k);
        if self.peek(*k) == b'}' {
            *k += 1;
            return Ok(Expr::Map(entries));
        }
        loop {
            let key = self.expr(k)?;
            self.skip_ws(k);
            if self.peek(*k) != b':' {
                return Err(self.err(*k, "expected `:` between a map key and its value"));
            }
            *k += 1;
            let value = self.expr(k)?;
            entries.push((key, value));
            self.skip_ws(k);
            match self.peek(*k) {
                b',' => *k += 1,
                b'}' => {
                    *k += 1;
                    return Ok(Expr::Map(entries));
                }
                _ => return Err(self.err(open, "unclosed map: expected `,` or `}`")),
            }
        }
    }
}
