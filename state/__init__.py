"""Reactive state: long-lived objects that own data and fire events; components subscribe. No UI here."""
