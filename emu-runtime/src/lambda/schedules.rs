//! `Schedule` / `ScheduleV2` / Serverless `schedule` events firing while the dev server runs (`--schedules`):
//! EventBridge's `rate()`, `cron()` and `at()` expressions, in UTC, each firing invokes the function with its event.
//!
//! Expression syntax as EventBridge documents it ("Schedule expressions for rules"): `rate(value unit)`;
//! `cron(minutes hours day-of-month month day-of-week year)` with `* ? , - /`, `L`, `W`, `#` and month/day names.

use std::fmt;
use std::time::Duration;

use emu_template::EventKind;
use serde_json::Value;

use crate::App;
use crate::clock;
use crate::lambda::log;

/// A schedule expression that is not one EventBridge accepts (or one we cannot run locally).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScheduleError(String);

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn bad(expr: &str, why: impl fmt::Display) -> ScheduleError {
    ScheduleError(format!("schedule expression `{expr}`: {why}"))
}

/// A parsed schedule expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Schedule {
    /// `rate(N unit)`: every `N` units, the first one `N` units after start.
    Rate(Duration),
    /// `cron(...)`.
    Cron(Box<Cron>),
    /// `at(yyyy-mm-ddThh:mm:ss)` (ScheduleV2): once, at that UTC time (epoch ms).
    At(u64),
}

/// One cron field: the allowed values.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field(Vec<bool>);

/// Day-of-month or day-of-week rules beyond a plain set.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DayRule {
    /// `?` or `*`: any day.
    Any,
    /// A set of days.
    Set(Field),
    /// `L` (day of month): the last day of the month.
    LastOfMonth,
    /// `15W`: the weekday nearest the 15th, within the month.
    NearestWeekday(u32),
    /// `5L` (day of week): the last Thursday (5) of the month.
    LastWeekday(u32),
    /// `3#2`: the second Tuesday (3) of the month.
    NthWeekday(u32, u32),
}

/// A `cron()` expression, fields as EventBridge numbers them (day-of-week 1-7 = SUN-SAT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cron {
    minutes: Field,
    hours: Field,
    day_of_month: DayRule,
    months: Field,
    day_of_week: DayRule,
    /// `None` for `*`.
    years: Option<Vec<i64>>,
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn value(expr: &str, s: &str, names: &[&str], base: u32) -> Result<u32, ScheduleError> {
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
        return Ok(i as u32 + base);
    }
    s.parse::<u32>().map_err(|_| bad(expr, format!("`{s}` is not a number or a name")))
}

/// Parses a plain field (`*`, `5`, `1,3`, `1-5`, `*/15`, `10-40/10`, names) over `min..=max`.
fn field(expr: &str, s: &str, min: u32, max: u32, names: &[&str], base: u32) -> Result<Field, ScheduleError> {
    let mut allowed = vec![false; max as usize + 1];
    for part in s.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, step)) => {
                let step = step.parse::<u32>().map_err(|_| bad(expr, format!("step `{step}` is not a number")))?;
                if step == 0 {
                    return Err(bad(expr, "a step of 0"));
                }
                (r, step)
            }
            None => (part, 1),
        };
        let (lo, hi) = match range {
            "*" | "?" => (min, max),
            r => match r.split_once('-') {
                Some((a, b)) => (value(expr, a, names, base)?, value(expr, b, names, base)?),
                None => {
                    let v = value(expr, r, names, base)?;
                    (v, if part.contains('/') { max } else { v })
                }
            },
        };
        if lo < min || hi > max || lo > hi {
            return Err(bad(expr, format!("`{part}` is outside {min}-{max}")));
        }
        let mut v = lo;
        while v <= hi {
            allowed[v as usize] = true;
            v += step;
        }
    }
    Ok(Field(allowed))
}

impl Field {
    fn has(&self, v: u32) -> bool {
        self.0.get(v as usize).copied().unwrap_or(false)
    }
}

/// Parses `expr` as EventBridge does.
pub(crate) fn parse(expr: &str) -> Result<Schedule, ScheduleError> {
    let e = expr.trim();
    if let Some(inner) = e.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let (n, unit) = inner.trim().split_once(' ').ok_or_else(|| bad(expr, "expected `rate(value unit)`"))?;
        let n: u64 = n.parse().map_err(|_| bad(expr, "the value must be a positive whole number"))?;
        let secs = match (n, unit.trim()) {
            (0, _) => return Err(bad(expr, "the value must be positive")),
            (1, "minute") => 60,
            (1, "hour") => 3600,
            (1, "day") => 86_400,
            (n, "minutes") if n > 1 => 60 * n,
            (n, "hours") if n > 1 => 3600 * n,
            (n, "days") if n > 1 => 86_400 * n,
            (_, u) => {
                return Err(bad(
                    expr,
                    format!("unit `{u}` (singular for 1, plural otherwise: minute(s), hour(s), day(s))"),
                ));
            }
        };
        return Ok(Schedule::Rate(Duration::from_secs(secs)));
    }
    if let Some(inner) = e.strip_prefix("at(").and_then(|r| r.strip_suffix(')')) {
        return at(expr, inner.trim()).map(Schedule::At);
    }
    if let Some(inner) = e.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
        return cron(expr, inner).map(|c| Schedule::Cron(Box::new(c)));
    }
    Err(bad(expr, "expected rate(...), cron(...) or at(...)"))
}

fn at(expr: &str, s: &str) -> Result<u64, ScheduleError> {
    let parse = |a: usize, b: usize| s.get(a..b).and_then(|t| t.parse::<i64>().ok());
    let ok = s.len() == 19 && &s[4..5] == "-" && &s[7..8] == "-" && &s[10..11] == "T";
    match (ok, parse(0, 4), parse(5, 7), parse(8, 10), parse(11, 13), parse(14, 16), parse(17, 19)) {
        (true, Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(se)) => {
            let days = clock::days_from_civil(y, mo as u32, d as u32);
            let secs = days * 86_400 + h * 3600 + mi * 60 + se;
            u64::try_from(secs).map(|s| s * 1000).map_err(|_| bad(expr, "a time before 1970"))
        }
        _ => Err(bad(expr, "expected at(yyyy-mm-ddThh:mm:ss)")),
    }
}

fn day_rule(expr: &str, s: &str, of_week: bool) -> Result<DayRule, ScheduleError> {
    if s == "?" || s == "*" {
        return Ok(DayRule::Any);
    }
    if !of_week && s == "L" {
        return Ok(DayRule::LastOfMonth);
    }
    if !of_week && let Some(d) = s.strip_suffix('W') {
        return value(expr, d, &[], 1).map(DayRule::NearestWeekday);
    }
    if of_week && let Some(d) = s.strip_suffix('L') {
        return value(expr, d, &DAYS, 1).map(DayRule::LastWeekday);
    }
    if of_week && let Some((d, n)) = s.split_once('#') {
        let n = n.parse::<u32>().ok().filter(|n| (1..=5).contains(n)).ok_or_else(|| bad(expr, "`#` takes 1-5"))?;
        return Ok(DayRule::NthWeekday(value(expr, d, &DAYS, 1)?, n));
    }
    if of_week {
        field(expr, s, 1, 7, &DAYS, 1).map(DayRule::Set)
    } else {
        field(expr, s, 1, 31, &[], 1).map(DayRule::Set)
    }
}

fn cron(expr: &str, inner: &str) -> Result<Cron, ScheduleError> {
    let parts: Vec<&str> = inner.split_whitespace().collect();
    let [minutes, hours, dom, month, dow, year] = parts.as_slice() else {
        return Err(bad(expr, "cron() takes 6 fields: minutes hours day-of-month month day-of-week year"));
    };
    if (*dom == "?") == (*dow == "?") {
        return Err(bad(expr, "exactly one of day-of-month and day-of-week must be `?`"));
    }
    let years = match *year {
        "*" => None,
        y => {
            let mut list = Vec::new();
            for part in y.split(',') {
                match part.split_once('-') {
                    Some((a, b)) => {
                        let (a, b) = (a.parse::<i64>(), b.parse::<i64>());
                        match (a, b) {
                            (Ok(a), Ok(b)) if a <= b => list.extend(a..=b),
                            _ => return Err(bad(expr, format!("year `{part}`"))),
                        }
                    }
                    None => list.push(part.parse::<i64>().map_err(|_| bad(expr, format!("year `{part}`")))?),
                }
            }
            Some(list)
        }
    };
    Ok(Cron {
        minutes: field(expr, minutes, 0, 59, &[], 0)?,
        hours: field(expr, hours, 0, 23, &[], 0)?,
        day_of_month: day_rule(expr, dom, false)?,
        months: field(expr, month, 1, 12, &MONTHS, 1)?,
        day_of_week: day_rule(expr, dow, true)?,
        years,
    })
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Day of week of `y-m-d`, 1-7 = SUN-SAT.
fn weekday(y: i64, m: u32, d: u32) -> u32 {
    // 1970-01-01 was a Thursday (5).
    ((clock::days_from_civil(y, m, d) + 4).rem_euclid(7) + 1) as u32
}

impl Cron {
    fn day_matches(&self, y: i64, m: u32, d: u32) -> bool {
        let last = days_in_month(y, m);
        let wd = weekday(y, m, d);
        let dom = match &self.day_of_month {
            DayRule::Any => true,
            DayRule::Set(f) => f.has(d),
            DayRule::LastOfMonth => d == last,
            DayRule::NearestWeekday(target) => {
                let t = (*target).min(last);
                let twd = weekday(y, m, t);
                let nearest = match twd {
                    7 if t == 1 => 3,        // Saturday the 1st: Monday the 3rd
                    7 => t - 1,              // Saturday: the Friday before
                    1 if t == last => t - 2, // Sunday the last day: the Friday before
                    1 => t + 1,              // Sunday: the Monday after
                    _ => t,
                };
                d == nearest
            }
            _ => true,
        };
        let dow = match &self.day_of_week {
            DayRule::Any => true,
            DayRule::Set(f) => f.has(wd),
            DayRule::LastWeekday(w) => wd == *w && d + 7 > last,
            DayRule::NthWeekday(w, n) => wd == *w && (d - 1) / 7 + 1 == *n,
            _ => true,
        };
        dom && dow
    }

    fn year_matches(&self, y: i64) -> bool {
        self.years.as_ref().is_none_or(|list| list.contains(&y))
    }

    /// The first minute strictly after `epoch_ms` that matches, within the next 5 years.
    fn next_after(&self, epoch_ms: u64) -> Option<u64> {
        let mut minute = epoch_ms / 60_000 + 1;
        let end = minute + 5 * 366 * 1440;
        while minute < end {
            let ms = minute * 60_000;
            let (y, m, d) = clock::civil_date(ms);
            if !self.year_matches(y) || !self.months.has(m) || !self.day_matches(y, m, d) {
                // Skip to the next day.
                minute = (minute / 1440 + 1) * 1440;
                continue;
            }
            let in_day = minute % 1440;
            let (h, mi) = ((in_day / 60) as u32, (in_day % 60) as u32);
            if !self.hours.has(h) {
                minute = minute - u64::from(mi) + 60;
                continue;
            }
            if self.minutes.has(mi) {
                return Some(ms);
            }
            minute += 1;
        }
        None
    }
}

impl Schedule {
    /// When it next fires after `now_ms` (epoch ms); `started_ms` anchors `rate()`. `None`: never again.
    pub(crate) fn next_after(&self, now_ms: u64, started_ms: u64) -> Option<u64> {
        match self {
            Schedule::Rate(every) => {
                let every = every.as_millis() as u64;
                let elapsed = now_ms.saturating_sub(started_ms);
                Some(started_ms + (elapsed / every + 1) * every)
            }
            Schedule::Cron(c) => c.next_after(now_ms),
            Schedule::At(at) => (*at > now_ms).then_some(*at),
        }
    }
}

/// One schedule of the template: which function, which event, its expression.
#[derive(Debug, Clone)]
pub(crate) struct Scheduled {
    pub(crate) function: String,
    pub(crate) event: String,
    pub(crate) expression: String,
    pub(crate) schedule: Schedule,
}

/// The expression and `Enabled` flag of a schedule event's properties (SAM `Schedule`/`Enabled`/`State`,
/// Serverless `rate` (string or list) / `enabled`).
fn expression_of(props: &Value) -> (Vec<String>, bool) {
    match props {
        Value::String(s) => (vec![s.clone()], true),
        Value::Object(o) => {
            let exprs = match o.get("Schedule").or_else(|| o.get("rate")) {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                _ => Vec::new(),
            };
            let enabled = o.get("Enabled").or_else(|| o.get("enabled")).and_then(Value::as_bool).unwrap_or(true)
                && o.get("State").and_then(Value::as_str) != Some("DISABLED");
            (exprs, enabled)
        }
        _ => (Vec::new(), true),
    }
}

/// Every enabled schedule of the app's functions; the ones that do not parse are returned as errors to print.
pub(crate) fn collect(app: &App) -> (Vec<Scheduled>, Vec<String>) {
    let (mut out, mut problems) = (Vec::new(), Vec::new());
    for f in app.model().functions.iter() {
        for e in f.events.iter().filter(|e| e.kind == EventKind::Schedule) {
            let props: Value = serde_json::from_str(&e.properties).unwrap_or(Value::Null);
            let (exprs, enabled) = expression_of(&props);
            if !enabled {
                continue;
            }
            for expression in exprs {
                match parse(&expression) {
                    Ok(schedule) => out.push(Scheduled {
                        function: f.id.to_string(),
                        event: e.name.to_string(),
                        expression,
                        schedule,
                    }),
                    Err(err) => problems.push(format!("{} event {}: {err}; it does not fire", f.id, e.name)),
                }
            }
        }
    }
    (out, problems)
}

/// Fires `s` until the process ends: at each time, invokes its function with the event's sample (its `Input`, or
/// EventBridge's `Scheduled Event`).
pub(crate) async fn fire(app: App, s: Scheduled) {
    // Wall-clock time at start, advanced by tokio's clock: one time line for the expression and the sleeps.
    let started = clock::now_epoch_ms();
    let base = tokio::time::Instant::now();
    let now_ms = || started + base.elapsed().as_millis() as u64;
    let mut now = started;
    while let Some(next) = s.schedule.next_after(now, started) {
        tokio::time::sleep(Duration::from_millis(next.saturating_sub(now_ms()))).await;
        let event = match app.sample_event(&s.function, Some(&s.event)) {
            Ok(e) => e,
            Err(e) => {
                log::platform_line("emu", &format!("schedule {} of {}: {e}", s.event, s.function));
                return;
            }
        };
        log::platform_line("emu", &format!("schedule {} ({}) fires {}", s.event, s.expression, s.function));
        let _ = app.invoke(&s.function, event).await;
        now = next.max(now_ms());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(y: i64, m: u32, d: u32, h: i64, mi: i64) -> u64 {
        ((clock::days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60) * 1000) as u64
    }

    fn next(expr: &str, from: u64) -> Option<u64> {
        parse(expr).unwrap().next_after(from, from)
    }

    #[test]
    fn rates() {
        assert_eq!(parse("rate(5 minutes)").unwrap(), Schedule::Rate(Duration::from_secs(300)));
        assert_eq!(parse("rate(1 hour)").unwrap(), Schedule::Rate(Duration::from_secs(3600)));
        assert!(parse("rate(1 minutes)").is_err(), "EventBridge wants the singular for 1");
        assert!(parse("rate(0 days)").is_err());
        assert_eq!(next("rate(2 minutes)", 1_000), Some(121_000));
    }

    #[test]
    fn crons_as_eventbridge_documents_them() {
        let t = ms(2024, 5, 1, 10, 7); // a Wednesday
        // Every day at 12:00 UTC.
        assert_eq!(next("cron(0 12 * * ? *)", t), Some(ms(2024, 5, 1, 12, 0)));
        // 10:15 on weekdays.
        assert_eq!(next("cron(15 10 ? * MON-FRI *)", t), Some(ms(2024, 5, 1, 10, 15)));
        // Every 10 minutes on weekdays.
        assert_eq!(next("cron(0/10 * ? * MON-FRI *)", t), Some(ms(2024, 5, 1, 10, 10)));
        // 18:00 on the last day of the month.
        assert_eq!(next("cron(0 18 L * ? *)", t), Some(ms(2024, 5, 31, 18, 0)));
        // 8:00 on the first Monday of each month (2#1).
        assert_eq!(next("cron(0 8 ? * 2#1 *)", t), Some(ms(2024, 5, 6, 8, 0)));
        // The last Friday (6L) of the month.
        assert_eq!(next("cron(0 9 ? * 6L *)", t), Some(ms(2024, 5, 31, 9, 0)));
        // The weekday nearest the 15th: June 15 2024 is a Saturday, so Friday the 14th.
        assert_eq!(next("cron(0 9 15W 6 ? *)", t), Some(ms(2024, 6, 14, 9, 0)));
        // Only in 2025.
        assert_eq!(next("cron(0 0 1 JAN ? 2025)", t), Some(ms(2025, 1, 1, 0, 0)));
        assert_eq!(next("cron(0 0 1 JAN ? 2020)", t), None);
    }

    #[test]
    fn malformed_expressions_say_why() {
        for bad in ["cron(0 12 * * * *)", "cron(0 12 * *)", "cron(61 * * * ? *)", "every 5 minutes", "rate(5 weeks)"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(parse("at(2030-01-02T03:04:05)").unwrap(), Schedule::At(ms(2030, 1, 2, 3, 4) + 5000));
    }

    #[test]
    fn weekdays() {
        assert_eq!(weekday(1970, 1, 1), 5, "Thursday");
        assert_eq!(weekday(2024, 5, 5), 1, "Sunday");
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_schedule_fires_its_function_with_the_input() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        use emu_template::{Event, Function, Model};
        use lambda_runtime::LambdaEvent;

        let mut f = Function::new("Nightly");
        let schedule = Event {
            name: "Tick".into(),
            kind: EventKind::Schedule,
            properties: r#"{"Schedule":"rate(1 minute)","Input":"{\"job\":\"sweep\"}"}"#.into(),
            location: Default::default(),
        };
        let off = Event {
            name: "Off".into(),
            kind: EventKind::Schedule,
            properties: r#"{"Schedule":"rate(1 minute)","Enabled":false}"#.into(),
            location: Default::default(),
        };
        f.events = vec![schedule, off].into();
        let mut model = Model::from_routes(Vec::new(), Vec::new());
        model.functions = vec![f].into();
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let app = crate::AppBuilder::from_model(model)
            .bind("Nightly", move |e: LambdaEvent<Value>| {
                let seen = seen.clone();
                async move {
                    assert_eq!(e.payload, serde_json::json!({"job": "sweep"}));
                    seen.fetch_add(1, Ordering::SeqCst);
                    Ok::<_, lambda_runtime::Error>(Value::Null)
                }
            })
            .build();
        let (schedules, problems) = collect(&app);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(schedules.len(), 1, "the disabled one does not fire");
        let task = tokio::spawn(fire(app, schedules[0].clone()));
        tokio::time::sleep(Duration::from_secs(3 * 60 + 30)).await;
        task.abort();
        assert!(calls.load(Ordering::SeqCst) >= 3, "fired {} times", calls.load(Ordering::SeqCst));
    }
}
