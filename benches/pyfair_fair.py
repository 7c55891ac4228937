#!/usr/bin/env python3
"""The FAIR-style scenario of docs/performance.md in pyfair, for a
side-by-side whole-process timing against `bcdr run benches/fair.ron`.

    pip install pyfair
    /usr/bin/time -f '%e s' python3 benches/pyfair_fair.py 1000000
    /usr/bin/time -f '%e s' bcdr run benches/fair.ron --trials 1000000 --quiet --out /tmp/fair

pyfair samples Loss Event Frequency PERT(0.1, 0.5, 2.0) and Loss Magnitude
PERT(10 000, 50 000, 500 000) once per simulation and multiplies them
(`calculate_all()`); the results are summarised (mean, quantiles) but not
written to CSV (writing a million rows takes pyfair about 15 s). bcdr
draws the rate from the same PERT and then a Poisson number of
occurrences with a PERT cost each, and writes its whole review pack: it
does more, not less. Not run by CI (CI does not install pyfair).
"""

import sys

import pyfair


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    model = pyfair.FairModel(name="FAIR-style loss event", n_simulations=n)
    model.input_data("Loss Event Frequency", low=0.1, mode=0.5, high=2.0)
    model.input_data("Loss Magnitude", low=10_000, mode=50_000, high=500_000)
    model.calculate_all()
    risk = model.export_results()["Risk"]
    print(f"trials {n}")
    print(f"mean annual loss {risk.mean():.2f}")
    for q in (0.5, 0.9, 0.95, 0.99):
        print(f"p{round(q * 100)} {risk.quantile(q):.2f}")


if __name__ == "__main__":
    main()
