"""Read side for pages and the API: plain values out, never live ORM objects. One module per
noun (orders, timeline, users, stores, platform, cancellations, refunds, notifications,
webhooks, …): import from the module of the noun."""
