//! Integration tests of the whole site: each test starts the real server on
//! port 0 with a fresh data directory (see `support`) or runs the real
//! `masthead` binary, and checks what readers and operators see.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a panic is a failed test")]

mod command_line;
mod comments;
mod concurrent_writes;
mod distribution;
mod hardening;
mod hostile;
mod hostile_feeds;
mod html_validity;
mod intelligence;
mod newsroom_access;
mod newsroom_images;
mod newsroom_workflow;
mod operations;
mod page_cache;
mod reader_pages;
mod search_recovery;
mod seed_article;
mod support;
mod two_nodes;
mod websub;
