//! The collector that gathers every problem and warning of one read, without duplicates.
//! Format readers and the resolver report into it; the driver turns it into [`crate::Problems`] or model warnings.

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

    /// Records a problem in another file (a `DefinitionUri` document).
    pub(crate) fn problem_in(&mut self, file: String, location: Location, kind: ProblemKind) {
        if !self.problems.iter().any(|p| p.location == location && p.kind == kind && p.file == file) {
            self.problems.push(Problem { file, location, kind });
        }
    }

    /// Records a warning.
    pub(crate) fn warn(&mut self, location: Location, message: impl Into<String>) {
        let message = message.into();
        if !self.warnings.iter().any(|w| w.location == location && w.message == message) {
            self.warnings.push(Warning { message: message.into(), location });
        }
    }
}
