//! Checks API Gateway itself would make: duplicate routes, malformed paths, conflicting path variables.
//! Runs after every route is known, so that all problems are reported together.

use std::collections::BTreeMap;

use crate::context::Reader;
use crate::model::{ApiKind, Route};
use crate::problem::ProblemKind;

/// Validates the reader's routes, dropping exact duplicates (the same function bound twice).
pub(crate) fn check(reader: &mut Reader<'_>) {
    let mut seen: BTreeMap<(String, String, &'static str), usize> = BTreeMap::new();
    let mut keep = vec![true; reader.routes.len()];
    for (i, r) in reader.routes.iter().enumerate() {
        let key = (r.api.to_string(), r.path.to_string(), r.method.as_str());
        match seen.get(&key) {
            None => {
                seen.insert(key, i);
            }
            Some(&first) => {
                let Some(f) = reader.routes.get(first) else { continue };
                if let Some(k) = keep.get_mut(i) {
                    *k = false;
                }
                if f.integration != r.integration {
                    reader.diags.problem(
                        r.location,
                        ProblemKind::DuplicateRoute {
                            api: r.api.to_string(),
                            route: format!("{} {}", r.method, r.path),
                            first: (target(f), f.location.line),
                            second: (target(r), r.location.line),
                        },
                    );
                }
            }
        }
    }
    let mut i = 0;
    reader.routes.retain(|_| {
        let k = keep.get(i).copied().unwrap_or(true);
        i += 1;
        k
    });

    // (api, parent path) -> variable segments at that level: (segment, greedy, line).
    type Levels = BTreeMap<(String, String), Vec<(String, bool, u32)>>;
    let mut levels: Levels = BTreeMap::new();
    for r in &reader.routes {
        let kind = reader.apis.iter().find(|a| a.id == r.api).map_or(ApiKind::Rest, |a| a.kind);
        if r.is_default() {
            if kind == ApiKind::Rest {
                reader.diags.problem(
                    r.location,
                    ProblemKind::InvalidPath {
                        path: r.path.to_string(),
                        reason: "`$default` exists only on HTTP APIs",
                    },
                );
            }
            continue;
        }
        if let Err(reason) = check_path(&r.path) {
            reader.diags.problem(r.location, ProblemKind::InvalidPath { path: r.path.to_string(), reason });
            continue;
        }
        let mut parent = String::new();
        for segment in r.path.split('/').skip(1) {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let greedy = name.ends_with('+');
                levels.entry((r.api.to_string(), parent.clone())).or_default().push((
                    segment.to_string(),
                    greedy,
                    r.location.line,
                ));
            }
            parent.push('/');
            parent.push_str(segment);
        }
    }
    let mut conflicts = Vec::new();
    for ((api, parent), vars) in &levels {
        let kind = reader.apis.iter().find(|a| a.id == *api).map_or(ApiKind::Rest, |a| a.kind);
        let Some((first, first_greedy, _)) = vars.first() else { continue };
        for (name, greedy, _) in vars.iter().skip(1) {
            let clash = name != first && (kind == ApiKind::Rest || (!greedy && !first_greedy));
            if clash {
                conflicts.push((
                    api.clone(),
                    if parent.is_empty() { "/".into() } else { parent.clone() },
                    first.clone(),
                    name.clone(),
                ));
                break;
            }
        }
    }
    for (api, parent, a, b) in conflicts {
        let at = reader
            .routes
            .iter()
            .filter(|r| r.api == api && r.path.contains(&format!("{}/{b}", parent.trim_end_matches('/'))))
            .map(|r| r.location)
            .next()
            .unwrap_or_default();
        reader.diags.problem(at, ProblemKind::ConflictingVariables { api, parent, names: (a, b) });
    }
}

/// What a duplicate-route message names for a route: its function, or `a MOCK integration`.
fn target(r: &Route) -> String {
    r.function().map_or_else(|| "a MOCK integration".to_owned(), str::to_owned)
}

/// Checks a route path the way API Gateway does; the error says why it is refused.
pub(crate) fn check_path(path: &str) -> Result<(), &'static str> {
    if !path.starts_with('/') {
        return Err("a path must start with `/`");
    }
    if path.len() > 1 && path.contains("//") {
        return Err("a path must not contain an empty segment (`//`)");
    }
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        let opens = seg.matches('{').count();
        let closes = seg.matches('}').count();
        if opens != closes {
            return Err("unbalanced `{` `}`");
        }
        if opens > 1 || (opens == 1 && !(seg.starts_with('{') && seg.ends_with('}'))) {
            return Err("a variable must be a whole segment, as in `/dogs/{id}`");
        }
        if opens == 1 {
            let name = seg.trim_start_matches('{').trim_end_matches('}');
            let bare = name.trim_end_matches('+');
            if bare.is_empty() {
                return Err("a variable needs a name, as in `{id}`");
            }
            if name.ends_with('+') && i != last {
                return Err("a greedy variable such as `{proxy+}` must be the last segment");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_path;

    #[test]
    fn paths_are_checked_like_api_gateway() {
        assert!(check_path("/").is_ok());
        assert!(check_path("/dogs/{id}/toys/{proxy+}").is_ok());
        assert!(check_path("dogs").unwrap_err().contains("start with"));
        assert!(check_path("/dogs/{id").unwrap_err().contains("unbalanced"));
        assert!(check_path("/dogs/id}").unwrap_err().contains("unbalanced"));
        assert!(check_path("/{proxy+}/x").unwrap_err().contains("last"));
        assert!(check_path("/a{id}").unwrap_err().contains("whole segment"));
        assert!(check_path("/{}").unwrap_err().contains("name"));
    }
}
