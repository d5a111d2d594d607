//! The collector that gathers every problem and warning of one read, without duplicates.
//! Format readers and the resolver report into it; the driver turns it into [`crate::Problems`] or model warnings,
//! one warning per cause: repeats of a message become one warning that lists where else it occurs.

use crate::model::{Location, Warning};
use crate::problem::{Problem, ProblemKind};

/// Problems and warnings gathered while reading one template.
#[derive(Debug, Default)]
pub(crate) struct Diagnostics {
    /// The file the locations refer to by default.
    pub(crate) file: String,
    /// Every problem found so far.
    pub(crate) problems: Vec<Problem>,
    /// Every warning found so far.
    pub(crate) warnings: Vec<Warning>,
    /// Warnings about one cause used in several places: (where the cause is, message, where it is used).
    uses: Vec<(Location, String, Vec<Location>)>,
    /// While another file is read for the template (an OpenAPI document): its name as written and the template
    /// location that includes it. Warnings are located there, naming their place in that file.
    pub(crate) included: Option<(String, Location)>,
    /// Warnings raised inside an included file: (including location, file name, message, place in the file).
    included_warnings: Vec<(Location, String, String, Location)>,
}

impl Diagnostics {
    /// Collects diagnostics for `file`.
    pub(crate) fn new(file: impl Into<String>) -> Self {
        Diagnostics { file: file.into(), ..Default::default() }
    }

    /// Records a problem at `location` of the default file.
    pub(crate) fn problem(&mut self, location: Location, kind: ProblemKind) {
        let file = self.file.clone();
        self.problem_in(file, location, kind);
    }

    /// Records a [`ProblemKind::InvalidValue`]: `what` (`Timeout of HelloFn`) is not `expected`.
    pub(crate) fn invalid(&mut self, location: Location, what: impl Into<String>, expected: impl Into<String>) {
        self.problem(location, ProblemKind::InvalidValue { what: what.into(), expected: expected.into() });
    }

    /// Records a problem in another file (a `DefinitionUri` document).
    pub(crate) fn problem_in(&mut self, file: String, location: Location, kind: ProblemKind) {
        if !self.problems.iter().any(|p| p.location == location && p.kind == kind && p.file == file) {
            self.problems.push(Problem { file, location, kind });
        }
    }

    /// Records a warning (inside an included file: at the template location that includes it).
    pub(crate) fn warn(&mut self, location: Location, message: impl Into<String>) {
        let message = message.into();
        if let Some((name, at)) = &self.included {
            let entry = (*at, name.clone(), message, location);
            if !self.included_warnings.contains(&entry) {
                self.included_warnings.push(entry);
            }
            return;
        }
        if !self.warnings.iter().any(|w| w.location == location && w.message == message) {
            self.warnings.push(Warning { message: message.into(), location });
        }
    }

    /// Records a warning about a cause declared at `cause` (a parameter without a value) for its use at `used_at`;
    /// [`Diagnostics::into_warnings`] gives one warning per cause, at the cause, listing every use.
    pub(crate) fn warn_use(&mut self, cause: Location, message: impl Into<String>, used_at: Location) {
        let message = message.into();
        // A use inside an included file counts as a use at the template location that includes it.
        let used_at = self.included.as_ref().map_or(used_at, |(_, at)| *at);
        match self.uses.iter_mut().find(|(c, m, _)| *c == cause && *m == message) {
            Some((_, _, uses)) => {
                if !uses.contains(&used_at) {
                    uses.push(used_at);
                }
            }
            None => self.uses.push((cause, message, vec![used_at])),
        }
    }

    /// The warnings, one per cause in the order first seen: a message repeated at several places is one warning at
    /// the first, ending `(also at 30:7, 45:3)`; a [`Diagnostics::warn_use`] cause ends `(used at 12:5, 30:7)`; one
    /// raised inside an included file is at the template location that includes it, ending
    /// `(in openapi.yaml at 15:9, 27:9)`.
    pub(crate) fn into_warnings(mut self) -> Vec<Warning> {
        let mut grouped: Vec<(Location, String, String, Vec<Location>)> = Vec::new();
        for (at, name, message, inside) in std::mem::take(&mut self.included_warnings) {
            match grouped.iter_mut().find(|(a, n, m, _)| *a == at && *n == name && *m == message) {
                Some((_, _, _, places)) => places.push(inside),
                None => grouped.push((at, name, message, vec![inside])),
            }
        }
        let list = |ls: &[Location]| ls.iter().map(Location::to_string).collect::<Vec<_>>().join(", ");
        for (at, name, message, places) in grouped {
            self.warnings
                .push(Warning { message: format!("{message} (in {name} at {})", list(&places)).into(), location: at });
        }
        let mut merged: Vec<(Warning, Vec<Location>)> = Vec::new();
        for w in self.warnings {
            match merged.iter_mut().find(|(m, _)| m.message == w.message) {
                Some((_, also)) => also.push(w.location),
                None => merged.push((w, Vec::new())),
            }
        }
        let places = |ls: &[Location]| ls.iter().map(Location::to_string).collect::<Vec<_>>().join(", ");
        let mut out: Vec<Warning> = merged
            .into_iter()
            .map(|(w, also)| {
                if also.is_empty() {
                    w
                } else {
                    Warning { message: format!("{} (also at {})", w.message, places(&also)).into(), ..w }
                }
            })
            .collect();
        for (cause, message, uses) in self.uses {
            out.push(Warning { message: format!("{message} (used at {})", places(&uses)).into(), location: cause });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_warning_per_cause() {
        let mut d = Diagnostics::new("t.yaml");
        d.warn(Location::new(3, 1), "import X");
        d.warn(Location::new(9, 2), "import X");
        d.warn(Location::new(9, 2), "import X");
        d.warn(Location::new(4, 1), "other");
        for line in [12, 30, 12] {
            d.warn_use(Location::new(2, 3), "parameter P has no value", Location::new(line, 5));
        }
        d.included = Some(("openapi.yaml".into(), Location::new(7, 3)));
        d.warn(Location::new(15, 9), "names X");
        d.warn(Location::new(27, 9), "names X");
        d.warn_use(Location::new(2, 3), "parameter P has no value", Location::new(40, 1));
        d.included = None;
        let w = d.into_warnings();
        let text: Vec<(String, String)> = w.iter().map(|w| (w.location.to_string(), w.message.to_string())).collect();
        assert_eq!(
            text,
            [
                ("3:1".to_string(), "import X (also at 9:2)".to_string()),
                ("4:1".to_string(), "other".to_string()),
                ("7:3".to_string(), "names X (in openapi.yaml at 15:9, 27:9)".to_string()),
                ("2:3".to_string(), "parameter P has no value (used at 12:5, 30:5, 7:3)".to_string()),
            ]
        );
    }
}
