"""Reactive state: long-lived objects that own data and fire events; components subscribe. No UI here.

These objects are shared by every tab, so their own subscriptions pass `unsubscribe_on_delete=False`:
NiceGUI would otherwise end a subscription made while a page was being built when that page's tab goes,
and every other tab showing the same view would stop changing (they unsubscribe explicitly instead).
"""
