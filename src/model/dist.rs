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
    Fixed(f64),
    Exponential {
        mean: f64,
    },
    /// ln X ~ Normal(mu, sigma).
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta-PERT: min + (max − min)·Beta(alpha, beta).
    Pert {
        min: f64,
        mode: f64,
        max: f64,
        alpha: f64,
        beta: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Weibull {
        shape: f64,
        scale: f64,
    },
    /// Resample uniformly from these values.
    Empirical(Vec<f64>),
}

/// Why a set of distribution parameters is rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    #[error("{name} must be a finite number >= 0, got {value}")]
    Negative { name: &'static str, value: f64 },
    #[error("{name} must be > 0, got {value}")]
    NotPositive { name: &'static str, value: f64 },
    #[error("needs min <= mode <= max, got min {min}, mode {mode}, max {max}")]
    Unordered { min: f64, mode: f64, max: f64 },
    #[error("needs min < max, got min {min}, max {max}")]
    EmptyRange { min: f64, max: f64 },
    #[error("LogNormal needs {0}")]
    LogNormalForm(&'static str),
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
    pub fn fixed(value: f64) -> Result<Dist, DistError> {
        Ok(Dist::Fixed(non_negative("value", value)?))
    }

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

    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        ordered(min, mode, max)?;
        Ok(Dist::Triangular { min, mode, max })
    }

    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        ordered(min, mode, max)?;
        let range = max - min;
        Ok(Dist::Pert {
            min,
            mode,
            max,
            alpha: 1.0 + 4.0 * (mode - min) / range,
            beta: 1.0 + 4.0 * (max - mode) / range,
        })
    }

    pub fn uniform(min: f64, max: f64) -> Result<Dist, DistError> {
        non_negative("min", min)?;
        non_negative("max", max)?;
        if min >= max {
            return Err(DistError::EmptyRange { min, max });
        }
        Ok(Dist::Uniform { min, max })
    }

    pub fn weibull(shape: f64, scale: f64) -> Result<Dist, DistError> {
        Ok(Dist::Weibull {
            shape: positive("shape", shape)?,
            scale: positive("scale", scale)?,
        })
    }

    pub fn empirical(values: Vec<f64>) -> Result<Dist, DistError> {
        if values.is_empty() {
            return Err(DistError::EmptyEmpirical);
        }
        for &v in &values {
            non_negative("value", v)?;
        }
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
                ..
            } => min + (max - min) * beta_quantile(u, alpha, beta),
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
            } => Dist::Pert {
                min: min * factor,
                mode: mode * factor,
                max: max * factor,
                alpha,
                beta,
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

/// A uniform draw in the open interval (0, 1) from the top 53 bits of one
/// `u64`, offset by half a step so that neither 0 nor 1 can occur (the
/// inverse CDFs are then finite).
#[inline]
pub fn unit_open<R: RngCore + ?Sized>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// The standard normal quantile (Wichura's AS 241, PPND16: about 1e-16
/// relative accuracy).
pub fn normal_quantile(p: f64) -> f64 {
    todo!("AS 241 {p}")
}

/// The quantile of Beta(a, b) at `u`, by safeguarded Newton iteration on the
/// regularised incomplete beta function.
pub fn beta_quantile(u: f64, a: f64, b: f64) -> f64 {
    todo!("{u} {a} {b}")
}

/// The gamma function (Lanczos approximation) for x > 0.
pub fn gamma(x: f64) -> f64 {
    todo!("{x}")
}
