//! Session tests against a scripted in-process server.
