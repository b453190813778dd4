"""The money of a run: prices and contracts, costs, revenue sharing, fairness and investment.

Everything is computed from the event log over the observation window (see
:mod:`twin_app.analysis.kpis` for the conventions) and documented for partners, with worked
examples, in docs/economics.md. One module per idea:

- :mod:`.jobs`: which product each job of the log is (the order's bill-of-materials tree);
- :mod:`.orders`: what each order delivered in the window pays (price, option premiums,
  contract penalty or bonus) and whether it was late;
- :mod:`.costs`: each owner's costs by component over the window (capital charges of
  investments, maintenance, rentals, the platform's own costs included);
- :mod:`.rentals`: pay-per-use rental contracts per machine and the fees they move;
- :mod:`.work`: who worked on which order, at what variable cost, for how many resource-minutes;
- :mod:`.coalitions` and :mod:`.shapley`: the cooperative game behind the Shapley rule and
  the stand-alone values;
- :mod:`.sharing`: the sharing rules;
- :mod:`.investment`: NPV, payback and ROI per owner;
- :mod:`.fairness`: margins, their Gini coefficient, partners losing money;
- :mod:`.segments`: lead time, on-time rate and revenue per customer and per product;
- :mod:`.money`: all of it for one run, every rule's shares included;
- :mod:`.kpi_blocks`: the money blocks of the KPI dictionary (and each owner's cash flows).
"""
