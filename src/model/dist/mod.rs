//! Probability distributions of durations (hours) and money.
//!
//! Every distribution samples by inverse CDF from exactly one uniform draw of
//! the caller's stream, so that the same draw index always maps to the same
//! quantile: this is what keeps common random numbers aligned when two
//! scenarios differ only in a parameter.

use rand::RngCore;

/// A validated distribution over non-negative values (hours or money).
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Always this value.
    Fixed(f64),
    /// Exponential with this mean (memoryless).
    Exponential {
        /// The mean (> 0).
        mean: f64,
    },
    /// ln X ~ Normal(mu, sigma).
    LogNormal {
        /// Mean of ln X: the median is e^mu.
        mu: f64,
        /// Standard deviation of ln X (> 0).
        sigma: f64,
    },
    /// Triangular on [min, max] peaking at mode.
    Triangular {
        /// The least value.
        min: f64,
        /// The most likely value.
        mode: f64,
        /// The greatest value.
        max: f64,
    },
    /// Beta-PERT: min + (max − min)·Beta(alpha, beta), drawn through a
    /// quantile table shared by shape (see [`PertTable`]).
    Pert {
        /// The least value.
        min: f64,
        /// The most likely value.
        mode: f64,
        /// The greatest value.
        max: f64,
        /// Beta's first shape: 1 + 4·(mode − min)/(max − min).
        alpha: f64,
        /// Beta's second shape: 1 + 4·(max − mode)/(max − min).
        beta: f64,
        /// The quantile table of Beta(alpha, beta), shared by every PERT of that shape.
        table: PertTable,
    },
    /// Uniform on [min, max].
    Uniform {
        /// The least value.
        min: f64,
        /// The greatest value.
        max: f64,
    },
    /// Weibull: P(X > x) = exp(−(x/scale)^shape).
    Weibull {
        /// Shape k (> 0): below 1 early failures, above 1 wear-out.
        shape: f64,
        /// Scale λ (> 0), in the value's unit.
        scale: f64,
    },
    /// Resample uniformly from these values, sorted ascending by
    /// [`Dist::empirical`] so that `quantile` is the (monotone) empirical
    /// inverse CDF: neighbouring draws map to neighbouring values, which keeps
    /// common random numbers aligned like every other form.
    Empirical(Vec<f64>),
}

/// Why a set of distribution parameters is rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    /// A parameter is negative, NaN or infinite.
    #[error("{name} must be a finite number >= 0, got {value}")]
    Negative {
        /// The parameter, as written in scenario files.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A parameter that must be positive is not.
    #[error("{name} must be > 0, got {value}")]
    NotPositive {
        /// The parameter, as written in scenario files.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// Not min <= mode <= max.
    #[error("needs min <= mode <= max, got min {min}, mode {mode}, max {max}")]
    Unordered {
        /// The least value given.
        min: f64,
        /// The most likely value given.
        mode: f64,
        /// The greatest value given.
        max: f64,
    },
    /// Not min < max.
    #[error("needs min < max, got min {min}, max {max}")]
    EmptyRange {
        /// The least value given.
        min: f64,
        /// The greatest value given.
        max: f64,
    },
    /// A LogNormal's parameters do not describe one; says what it needs.
    #[error("LogNormal needs {0}")]
    LogNormalForm(&'static str),
    /// An Empirical with no values.
    #[error("Empirical needs at least one value")]
    EmptyEmpirical,
}

/// The 95th percentile of the standard normal (a 90% interval's half width).
const Z95: f64 = 1.644_853_626_951_472_2;
/// The 90th percentile of the standard normal.
const Z90: f64 = 1.281_551_565_544_600_4;

fn non_negative(name: &'static str, value: f64) -> Result<f64, DistError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(DistError::Negative { name, value })
    }
}

fn positive(name: &'static str, value: f64) -> Result<f64, DistError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(DistError::NotPositive { name, value })
    }
}

fn ordered(min: f64, mode: f64, max: f64) -> Result<(), DistError> {
    non_negative("min", min)?;
    non_negative("mode", mode)?;
    non_negative("max", max)?;
    if !(min <= mode && mode <= max) {
        return Err(DistError::Unordered { min, mode, max });
    }
    if min == max {
        return Err(DistError::EmptyRange { min, max });
    }
    Ok(())
}

impl Dist {
    /// Always `value` (>= 0).
    pub fn fixed(value: f64) -> Result<Dist, DistError> {
        Ok(Dist::Fixed(non_negative("value", value)?))
    }

    /// Exponential with mean `mean` (> 0).
    pub fn exponential(mean: f64) -> Result<Dist, DistError> {
        Ok(Dist::Exponential {
            mean: positive("mean", mean)?,
        })
    }

    /// A lognormal from its median and 90th percentile (p90 > median > 0).
    pub fn lognormal_median_p90(median: f64, p90: f64) -> Result<Dist, DistError> {
        positive("median", median)?;
        positive("p90", p90)?;
        if p90 <= median {
            return Err(DistError::LogNormalForm("p90 above the median"));
        }
        Ok(Dist::LogNormal {
            mu: median.ln(),
            sigma: (p90.ln() - median.ln()) / Z90,
        })
    }

    /// A lognormal from a 90% interval: `low` is its 5th percentile and
    /// `high` its 95th (0 < low < high).
    pub fn lognormal_interval(low: f64, high: f64) -> Result<Dist, DistError> {
        positive("low", low)?;
        positive("high", high)?;
        if high <= low {
            return Err(DistError::LogNormalForm("high above low"));
        }
        Ok(Dist::LogNormal {
            mu: 0.5 * (low.ln() + high.ln()),
            sigma: (high.ln() - low.ln()) / (2.0 * Z95),
        })
    }

    /// Triangular on [min, max] peaking at `mode` (min <= mode <= max, min < max).
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        ordered(min, mode, max)?;
        Ok(Dist::Triangular { min, mode, max })
    }

    /// Beta-PERT on [min, max] with most likely value `mode` (min <= mode <= max, min < max).
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        ordered(min, mode, max)?;
        let range = max - min;
        Ok(Dist::Pert {
            min,
            mode,
            max,
            alpha: 1.0 + 4.0 * (mode - min) / range,
            beta: 1.0 + 4.0 * (max - mode) / range,
            table: PertTable::default(),
        })
    }

    /// Uniform on [min, max] (min < max).
    pub fn uniform(min: f64, max: f64) -> Result<Dist, DistError> {
        non_negative("min", min)?;
        non_negative("max", max)?;
        if min >= max {
            return Err(DistError::EmptyRange { min, max });
        }
        Ok(Dist::Uniform { min, max })
    }

    /// Weibull with `shape` and `scale` (both > 0).
    pub fn weibull(shape: f64, scale: f64) -> Result<Dist, DistError> {
        Ok(Dist::Weibull {
            shape: positive("shape", shape)?,
            scale: positive("scale", scale)?,
        })
    }

    /// Resample from past observations; the values are sorted (see
    /// [`Dist::Empirical`]).
    pub fn empirical(mut values: Vec<f64>) -> Result<Dist, DistError> {
        if values.is_empty() {
            return Err(DistError::EmptyEmpirical);
        }
        for &v in &values {
            non_negative("value", v)?;
        }
        values.sort_by(f64::total_cmp);
        Ok(Dist::Empirical(values))
    }

    /// One sample, from exactly one uniform draw of `rng`.
    #[inline]
    pub fn sample<R: RngCore + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(unit_open(rng))
    }

    /// The inverse CDF at `u` in (0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Exponential { mean } => -mean * (-u).ln_1p(),
            Dist::LogNormal { mu, sigma } => (mu + sigma * normal_quantile(u)).exp(),
            Dist::Triangular { min, mode, max } => {
                let (range, left) = (max - min, mode - min);
                if u * range < left {
                    min + (u * range * left).sqrt()
                } else {
                    max - ((1.0 - u) * range * (max - mode)).sqrt()
                }
            }
            Dist::Pert {
                min,
                max,
                alpha,
                beta,
                ref table,
                ..
            } => min + (max - min) * pert_unit_quantile(u, alpha, beta, table),
            Dist::Uniform { min, max } => min + u * (max - min),
            Dist::Weibull { shape, scale } => scale * (-(-u).ln_1p()).powf(1.0 / shape),
            Dist::Empirical(ref values) => {
                let i = ((u * values.len() as f64) as usize).min(values.len() - 1);
                values[i]
            }
        }
    }

    /// The exact mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Exponential { mean } => mean,
            Dist::LogNormal { mu, sigma } => (mu + 0.5 * sigma * sigma).exp(),
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Pert { min, mode, max, .. } => (min + 4.0 * mode + max) / 6.0,
            Dist::Uniform { min, max } => 0.5 * (min + max),
            Dist::Weibull { shape, scale } => scale * gamma(1.0 + 1.0 / shape),
            Dist::Empirical(ref values) => values.iter().sum::<f64>() / values.len() as f64,
        }
    }

    /// The exact variance (of the population: an empirical distribution
    /// resamples its values, so it divides by n, not n − 1). With [`Dist::mean`]
    /// it gives the standard error of a Monte Carlo mean, √(Var / N).
    ///
    /// - Exponential: mean²; LogNormal: (e^(σ²) − 1) e^(2μ + σ²);
    /// - Triangular (a, c, b): (a² + b² + c² − ab − ac − bc) / 18;
    /// - Pert: min + range · Beta(α, β), so αβ / ((α + β)² (α + β + 1)) ·
    ///   range² (with α + β = 6 this is the textbook (μ − min)(max − μ) / 7);
    /// - Uniform: range² / 12; Weibull: scale² (Γ(1 + 2/k) − Γ(1 + 1/k)²).
    pub fn variance(&self) -> f64 {
        match *self {
            Dist::Fixed(_) => 0.0,
            Dist::Exponential { mean } => mean * mean,
            Dist::LogNormal { mu, sigma } => {
                let s2 = sigma * sigma;
                s2.exp_m1() * (2.0 * mu + s2).exp()
            }
            Dist::Triangular { min, mode, max } => {
                (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0
            }
            Dist::Pert {
                min,
                max,
                alpha,
                beta,
                ..
            } => {
                let (range, sum) = (max - min, alpha + beta);
                alpha * beta / (sum * sum * (sum + 1.0)) * range * range
            }
            Dist::Uniform { min, max } => (max - min) * (max - min) / 12.0,
            Dist::Weibull { shape, scale } => {
                let g1 = gamma(1.0 + 1.0 / shape);
                scale * scale * (gamma(1.0 + 2.0 / shape) - g1 * g1)
            }
            Dist::Empirical(ref values) => {
                let mean = self.mean();
                values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / values.len() as f64
            }
        }
    }

    /// The greatest value a draw can take: the value of a `Fixed`, the
    /// `max` of a bounded form, the largest of an `Empirical`; +∞ for the
    /// forms without an upper bound (Exponential, LogNormal, Weibull).
    pub fn upper(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Triangular { max, .. } | Dist::Pert { max, .. } | Dist::Uniform { max, .. } => {
                max
            }
            Dist::Empirical(ref values) => values.iter().copied().fold(0.0, f64::max),
            Dist::Exponential { .. } | Dist::LogNormal { .. } | Dist::Weibull { .. } => {
                f64::INFINITY
            }
        }
    }

    /// A uniform draw from which the quantile surely reaches `x`: for every
    /// u in [returned value, 1), `self.quantile(u) >= x` as computed in
    /// floating point. A caller that only needs to know whether a sample
    /// reaches `x` (a time to failure past the horizon) can then skip
    /// computing it. +∞ where no bound is worked out.
    ///
    /// Only the exponential has one: its quantile −mean·ln(1 − u) reaches
    /// x(1 + 1e-9) exactly from u = 1 − e^(−x(1 + 1e-9)/mean). The margin of
    /// 1e-9 is a million times the relative error of computing that bound
    /// (`exp_m1`, within about 2 ulps even after the rounding of its
    /// argument, which moves ln(1 − u) by at most (e^y − 1)/y·4.4e-16 <=
    /// 1e-12 relative for y <= 10) and of the quantile itself (`ln_1p` and
    /// one product, a few ulps): past the bound, the computed quantile can
    /// not fall below x. Beyond y = 10 (x more than ten means) the rounding
    /// of u near 1 would eat the margin, so no bound is given there.
    ///
    /// The Weibull's quantile scale·(−ln(1 − u))^(1/shape) reaches
    /// x(1 + 1e-9) from u = 1 − e^(−y), y = (x(1 + 1e-9)/scale)^shape, by
    /// the same argument: −ln(1 − u) is then at least y within 1e-12
    /// relative, the power of 1/shape multiplies that relative error (and
    /// the few ulps of each `powf`) by at most 10 for shape ≥ 0.1, and the
    /// last product adds one rounding: still a hundred times inside the
    /// margin. Smaller shapes get no bound.
    pub fn quantile_reaches_from(&self, x: f64) -> f64 {
        /// Relative margin above `x` (see above).
        const MARGIN: f64 = 1e-9;
        let reach = |y: f64| {
            if (0.0..=10.0).contains(&y) {
                -(-y).exp_m1()
            } else {
                f64::INFINITY
            }
        };
        match *self {
            Dist::Exponential { mean } => reach(x / mean * (1.0 + MARGIN)),
            Dist::Weibull { shape, scale } if shape >= 0.1 && x >= 0.0 => {
                reach((x / scale * (1.0 + MARGIN)).powf(shape))
            }
            _ => f64::INFINITY,
        }
    }

    /// Multiply every value by `factor` (> 0), e.g. to change units.
    pub fn scaled(&self, factor: f64) -> Dist {
        match *self {
            Dist::Fixed(v) => Dist::Fixed(v * factor),
            Dist::Exponential { mean } => Dist::Exponential {
                mean: mean * factor,
            },
            Dist::LogNormal { mu, sigma } => Dist::LogNormal {
                mu: mu + factor.ln(),
                sigma,
            },
            Dist::Triangular { min, mode, max } => Dist::Triangular {
                min: min * factor,
                mode: mode * factor,
                max: max * factor,
            },
            Dist::Pert {
                min,
                mode,
                max,
                alpha,
                beta,
                ref table,
            } => Dist::Pert {
                min: min * factor,
                mode: mode * factor,
                max: max * factor,
                alpha,
                beta,
                table: table.clone(),
            },
            Dist::Uniform { min, max } => Dist::Uniform {
                min: min * factor,
                max: max * factor,
            },
            Dist::Weibull { shape, scale } => Dist::Weibull {
                shape,
                scale: scale * factor,
            },
            Dist::Empirical(ref v) => Dist::Empirical(v.iter().map(|x| x * factor).collect()),
        }
    }
}

/// The Beta(alpha, beta) quantile behind a `Pert` draw: the closed forms
/// where a shape is 1 (a mode at the minimum or maximum), else the shape's
/// table (within 1e-9 relative of [`beta_quantile`]; see [`BetaTable`]).
#[inline]
fn pert_unit_quantile(u: f64, alpha: f64, beta: f64, table: &PertTable) -> f64 {
    if alpha == 1.0 || beta == 1.0 {
        beta_quantile(u, alpha, beta)
    } else {
        table.get(alpha, beta).quantile(u)
    }
}

/// A uniform draw in the open interval (0, 1) from the top 52 bits of one
/// `u64`: the midpoint of one of 2^52 equal cells, so neither 0 nor 1 can
/// occur (the inverse CDFs are then finite) and `1 - u` is exact.
///
/// Why 52 and not 53 bits: with 53 bits, `k + 0.5` is not representable for
/// k >= 2^52 and rounds to even, so the top draw k = 2^53 − 1 became exactly
/// 1.0 and an exponential or Weibull sample became infinite (once in 2^53
/// draws). With 52 bits every midpoint is exact: u ∈ [2^-53, 1 − 2^-53].
#[inline]
pub fn unit_open<R: RngCore + ?Sized>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

/// Tests: `from`, a finite [`Dist::quantile_reaches_from`]`(x)` of `d`,
/// is sound (the quantile reaches `x` at it, on the next 64 draws of the
/// grid and at the points `steps` spread above it, in 2⁻⁴⁰ of what is
/// left to 1) and tight (a millionth below it, the quantile is below `x`).
#[cfg(test)]
pub(crate) fn reach_bound_holds(
    d: &Dist,
    x: f64,
    from: f64,
    steps: &[u64],
) -> Result<(), proptest::test_runner::TestCaseError> {
    use proptest::prop_assert;
    prop_assert!(from > 0.0 || x == 0.0);
    let mut u = from;
    for _ in 0..64 {
        prop_assert!(u >= 1.0 || d.quantile(u) >= x, "u {u} from {from}");
        u = f64::from_bits(u.to_bits() + 1);
    }
    for &k in steps {
        let u = from + (1.0 - from) * (k as f64 / (1u64 << 40) as f64);
        prop_assert!(u >= 1.0 || d.quantile(u) >= x, "u {u} from {from}");
    }
    let below = from * (1.0 - 1e-6);
    prop_assert!(x == 0.0 || from < 1e-300 || d.quantile(below) < x);
    Ok(())
}

mod special;
mod table;

pub use special::{beta_cdf, beta_quantile, gamma, ln_gamma, normal_quantile};
pub use table::{BetaTable, PertTable};

#[cfg(test)]
mod tests;
