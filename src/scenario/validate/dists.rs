//! Distributions as written → [`Dist`], each parameter checked at its own
//! field path, and the constructors' errors explained with the values as
//! written.

use crate::model::dist::DistError;
use crate::model::{Dist, Hours, MAX_MONEY};

use super::Ctx;
use crate::fmt::format_hours;
use crate::scenario::raw;

impl Ctx {
    /// A distribution of money (a loss event's cost, a response cost):
    /// held to [`MAX_MONEY`] by its 1-in-a-million value (a heavy tail
    /// beyond it is the distribution's, and rare enough to sum).
    pub(super) fn money_dist<T: Param>(&mut self, path: &str, d: &raw::RawDist<T>) -> Option<Dist> {
        let dist = self.dist(path, d)?;
        let top = dist.quantile(1.0 - 1e-6);
        if top > MAX_MONEY || !top.is_finite() {
            let message = super::too_much_money(top, "can draw");
            self.issue(path, format!("{}: {message}", as_written(d)));
            return None;
        }
        Some(dist)
    }

    /// A distribution of durations (in hours) or of numbers.
    pub(super) fn dist<T: Param>(&mut self, path: &str, d: &raw::RawDist<T>) -> Option<Dist> {
        use raw::RawDist as R;
        let field = |name: &str| format!("{path}.{name}");
        let built = match d {
            R::Fixed(v) => Dist::fixed(v.value(self, path)?),
            R::Exponential { mean } => Dist::exponential(mean.value(self, &field("mean"))?),
            R::LogNormal {
                median: Some(median),
                p90: Some(p90),
                low: None,
                high: None,
            } => {
                let median = median.value(self, &field("median"));
                let p90 = p90.value(self, &field("p90"));
                Dist::lognormal_median_p90(median?, p90?)
            }
            R::LogNormal {
                median: None,
                p90: None,
                low: Some(low),
                high: Some(high),
            } => {
                let low = low.value(self, &field("low"));
                let high = high.value(self, &field("high"));
                Dist::lognormal_interval(low?, high?)
            }
            R::LogNormal { .. } => {
                self.issue(
                    path,
                    format!(
                        "{}: LogNormal takes either median and p90, or low and high (its 5th and \
                         95th percentiles), such as LogNormal(median: {}, p90: {})",
                        as_written(d),
                        T::example(1.0),
                        T::example(4.0)
                    ),
                );
                return None;
            }
            R::Triangular { min, mode, max } | R::Pert { min, mode, max } => {
                let min = min.value(self, &field("min"));
                let mode = mode.value(self, &field("mode"));
                let max = max.value(self, &field("max"));
                let (min, mode, max) = (min?, mode?, max?);
                if matches!(d, R::Pert { .. }) {
                    Dist::pert(min, mode, max)
                } else {
                    Dist::triangular(min, mode, max)
                }
            }
            R::Uniform { min, max } => {
                let min = min.value(self, &field("min"));
                let max = max.value(self, &field("max"));
                Dist::uniform(min?, max?)
            }
            R::Weibull { shape, scale } => {
                Dist::weibull(*shape, scale.value(self, &field("scale"))?)
            }
            R::Empirical(values) => {
                let values: Vec<Option<f64>> = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v.value(self, &format!("{path}[{i}]")))
                    .collect();
                Dist::empirical(values.into_iter().collect::<Option<_>>()?)
            }
        };
        built
            .map_err(|e| {
                let message = format!("{}: {}", as_written(d), explain::<T>(&e));
                self.issue(path, message);
            })
            .ok()
    }
}

/// A distribution parameter as written: a duration string or a number.
pub(super) trait Param {
    /// The value in the model's unit (hours for durations), or `None`
    /// after recording why it is not one.
    fn value(&self, cx: &mut Ctx, path: &str) -> Option<f64>;
    /// As written in the file, for messages.
    fn shown(&self) -> String;
    /// An example value of this kind, for messages.
    fn example(x: f64) -> String;
}

impl Param for String {
    fn value(&self, cx: &mut Ctx, path: &str) -> Option<f64> {
        cx.hours(path, self).map(Hours::get)
    }
    fn shown(&self) -> String {
        format!("{self:?}")
    }
    fn example(x: f64) -> String {
        format!("{:?}", format_hours(x * 4.0))
    }
}

impl Param for f64 {
    fn value(&self, _: &mut Ctx, _: &str) -> Option<f64> {
        // Range checks are the distribution constructors' own.
        Some(*self)
    }
    fn shown(&self) -> String {
        crate::fmt::as_written(*self)
    }
    fn example(x: f64) -> String {
        format!("{}", x * 10_000.0)
    }
}

/// A distribution as written, for messages (long lists are cut short).
fn as_written<T: Param>(d: &raw::RawDist<T>) -> String {
    use raw::RawDist as R;
    let fields = |pairs: &[(&str, &T)]| {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.shown()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match d {
        R::Fixed(v) => format!("Fixed({})", v.shown()),
        R::Exponential { mean } => format!("Exponential({})", fields(&[("mean", mean)])),
        R::LogNormal {
            median,
            p90,
            low,
            high,
        } => {
            let given: Vec<(&str, &T)> = [
                ("median", median),
                ("p90", p90),
                ("low", low),
                ("high", high),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
            .collect();
            format!("LogNormal({})", fields(&given))
        }
        R::Triangular { min, mode, max } => format!(
            "Triangular({})",
            fields(&[("min", min), ("mode", mode), ("max", max)])
        ),
        R::Pert { min, mode, max } => format!(
            "Pert({})",
            fields(&[("min", min), ("mode", mode), ("max", max)])
        ),
        R::Uniform { min, max } => format!("Uniform({})", fields(&[("min", min), ("max", max)])),
        R::Weibull { shape, scale } => {
            format!(
                "Weibull(shape: {}, scale: {})",
                crate::fmt::as_written(*shape),
                scale.shown()
            )
        }
        R::Empirical(values) => {
            const SHOWN: usize = 5;
            let mut list = values
                .iter()
                .take(SHOWN)
                .map(Param::shown)
                .collect::<Vec<_>>()
                .join(", ");
            if values.len() > SHOWN {
                list.push_str(", ...");
            }
            format!("Empirical([{list}])")
        }
    }
}

/// Why the parameters are rejected, and the fix; the written distribution
/// precedes it in the message, so the values are not repeated.
fn explain<T: Param>(e: &DistError) -> String {
    #[allow(unreachable_patterns)] // DistError may grow variants
    match e {
        DistError::Negative { name, .. } => format!("{name} must be a finite number >= 0"),
        DistError::NotPositive { name, value } if !value.is_finite() => {
            format!("{name} must be a finite number greater than 0")
        }
        DistError::NotPositive { name, .. } => format!("{name} must be greater than 0"),
        DistError::Unordered { .. } => "needs min <= mode <= max: put the values in order".into(),
        DistError::EmptyRange { .. } => format!(
            "needs min < max: widen the range, or use Fixed({}) for a value that never varies",
            T::example(1.0)
        ),
        DistError::LogNormalForm(what) => format!("LogNormal needs {what}"),
        DistError::EmptyEmpirical => format!(
            "needs at least one value, such as Empirical([{}, {}])",
            T::example(0.5),
            T::example(2.0)
        ),
        other => other.to_string(),
    }
}
