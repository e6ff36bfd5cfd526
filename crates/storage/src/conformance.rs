//! The storage conformance suite: what every [`Store`] backend must do,
//! written once against the trait. Each backend's tests run every check on a
//! fresh, empty store (see [`conformance_tests!`](crate::conformance_tests)).
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "the suite is test code: a panic is a failed check")]

use masthead_content::{
    ArticleDraft, ArticleId, Author, Change, CommentStatus, Correction, Headline, NewArticle, NewComment, NewMedia,
    Section, Slug, Status, Tag,
};
use time::{Duration, OffsetDateTime};

use masthead_content::{ArticleQuote, ArticleTopic, Email, MediaVariant, Role, Topic, TopicKind, TopicState};

use crate::{
    ArticleLookup, Listing, NewJob, NewUser, NewsroomFilter, PageRequest, PublicationMonth, StorageError, Store,
};

/// Expands to one `#[tokio::test]` per check, so that one failure does not
/// hide the others. `$open` is an async expression run once per test that
/// gives a fresh, empty store and a guard kept alive until the test ends
/// (a temporary directory or database schema):
///
/// ```ignore
/// masthead_storage::conformance_tests!(fresh_store().await);
/// ```
#[macro_export]
macro_rules! conformance_tests {
    ($open:expr) => {
        $crate::conformance_tests!(@each $open;
            a_new_store_is_not_initialised_until_marked,
            taxonomy_is_saved_and_updated_by_slug,
            reserved_section_slugs_are_refused,
            a_published_article_round_trips,
            unknown_references_are_refused,
            a_slug_in_use_is_refused,
            a_changed_slug_leaves_a_redirect,
            unpublished_articles_stay_hidden,
            listings_filter_and_paginate_newest_first,
            published_links_cover_only_published_articles,
            comments_show_approved_and_nest_one_level,
            a_correction_moves_the_update_time,
            distribution_queries_cover_published_articles,
            the_job_queue_claims_each_due_job_once,
            saves_keep_revisions_and_refuse_stale_ones,
            status_changes_are_compare_and_set,
            the_newsroom_list_filters_every_status,
            accounts_sessions_and_tokens,
            login_failures_are_counted_in_a_window,
            media_variants_are_kept_with_their_image,
            comment_moderation_queries,
            a_bulk_import_stores_articles_and_comments,
            analyses_keep_editors_topic_decisions,
            topic_pages_list_confirmed_published_articles,
            related_pins_keep_their_order,
            versions_move_with_every_change_readers_can_see,
            pictures_know_their_uploader_and_the_articles_showing_them,
            two_savers_of_the_same_revision_one_wins,
            two_runners_run_each_due_job_once,
            a_runner_whose_lease_ran_out_cannot_settle_its_job,
            a_scheduled_step_and_its_job_commit_together,
            the_change_feed_keeps_changes_in_order,
            a_reader_waiting_on_the_change_feed_hears_a_new_change,
        );
    };
    (@each $open:expr; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let (store, _guard) = $open;
                $crate::conformance::$check(&store).await;
            }
        )*
    };
}

fn slug(text: &str) -> Slug {
    Slug::parse(text).expect("test slugs are valid")
}

async fn seed_taxonomy(store: &dyn Store) {
    for (position, (s, name)) in [("world", "World"), ("business", "Business")].into_iter().enumerate() {
        let section = Section { slug: slug(s), name: name.into(), description: format!("{name} news") };
        store.save_section(&section, position as u32).await.expect("section saved");
    }
    for (s, name) in [("ukraine", "Ukraine"), ("energy", "Energy")] {
        store.save_tag(&Tag { slug: slug(s), name: name.into() }).await.expect("tag saved");
    }
    for (s, name) in [("ann-lee", "Ann Lee"), ("bo-chen", "Bo Chen")] {
        store
            .save_author(&Author { slug: slug(s), name: name.into(), bio: String::new() })
            .await
            .expect("author saved");
    }
}

fn article(s: &str, section: &str, hours_ago: i64) -> NewArticle {
    let published = OffsetDateTime::now_utc() - Duration::hours(hours_ago);
    NewArticle {
        draft: ArticleDraft {
            slug: slug(s),
            headline: Headline::parse(&format!("Headline of {s}")).expect("valid headline"),
            standfirst: "Standfirst.".into(),
            body_source: "Body.".into(),
            section: slug(section),
            tags: vec![slug("ukraine")],
            authors: vec![slug("ann-lee")],
            lead_image: None,
            embargo_until: None,
        },
        status: Status::Published,
        published_at: Some(published),
        updated_at: published,
        owner: None,
    }
}

async fn create(store: &dyn Store, new: NewArticle) -> ArticleId {
    store.create_article(new).await.expect("article created")
}

async fn found(store: &dyn Store, s: &str) -> masthead_content::Article {
    match store.published_article(&slug(s)).await.expect("lookup works") {
        ArticleLookup::Found(article) => *article,
        other => panic!("expected {s} to be found, got {other:?}"),
    }
}

/// Check: a new store is not initialised until marked.
pub async fn a_new_store_is_not_initialised_until_marked(store: &dyn Store) {
    assert!(!store.is_initialised().await.unwrap());
    store.mark_initialised().await.unwrap();
    store.mark_initialised().await.unwrap();
    assert!(store.is_initialised().await.unwrap());
}

/// Check: taxonomy is saved and updated by slug.
pub async fn taxonomy_is_saved_and_updated_by_slug(store: &dyn Store) {
    seed_taxonomy(store).await;
    let renamed = Section { slug: slug("world"), name: "World News".into(), description: "Renamed".into() };
    store.save_section(&renamed, 0).await.unwrap();
    let sections = store.sections().await.unwrap();
    assert_eq!(sections.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["World News", "Business"]);
    assert_eq!(store.section(&slug("world")).await.unwrap(), Some(renamed));
    assert_eq!(store.tag(&slug("energy")).await.unwrap().map(|t| t.name), Some("Energy".into()));
    assert_eq!(store.author(&slug("bo-chen")).await.unwrap().map(|a| a.name), Some("Bo Chen".into()));
    assert_eq!(store.tag(&slug("missing")).await.unwrap(), None);
}

/// Check: reserved section slugs are refused.
pub async fn reserved_section_slugs_are_refused(store: &dyn Store) {
    let section = Section { slug: slug("tag"), name: "Tag".into(), description: String::new() };
    assert!(matches!(store.save_section(&section, 0).await, Err(StorageError::Conflict(_))));
}

/// Check: a published article round trips.
pub async fn a_published_article_round_trips(store: &dyn Store) {
    seed_taxonomy(store).await;
    let media = store
        .add_media(NewMedia {
            file_name: "lead.jpg".into(),
            content_type: "image/jpeg".into(),
            width: 1200,
            height: 675,
            caption: "Caption".into(),
            credit: "Photo: Someone".into(),
            alt_text: "Alt".into(),
            uploaded_by: None,
        })
        .await
        .unwrap();
    let mut new = article("story", "world", 2);
    new.draft.authors = vec![slug("bo-chen"), slug("ann-lee")];
    new.draft.tags = vec![slug("energy"), slug("ukraine")];
    new.draft.lead_image = Some(media.id);
    new.draft.body_source = "Para “one”.\n\n## Sub".into();
    let id = create(store, new.clone()).await;
    let stored = found(store, "story").await;
    assert_eq!(stored.id, id);
    assert_eq!(stored.headline, new.draft.headline);
    assert_eq!(stored.body_source, new.draft.body_source);
    assert_eq!(stored.section.slug.as_str(), "world");
    assert_eq!(stored.authors.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["bo-chen", "ann-lee"]);
    assert_eq!(stored.tags.len(), 2);
    assert_eq!(stored.lead_image, Some(media));
    assert_eq!(stored.status, Status::Published);
    let published = new.published_at.unwrap();
    assert_eq!(stored.published_at.map(|t| t.unix_timestamp()), Some(published.unix_timestamp()));
    let duplicate = NewMedia {
        file_name: "lead.jpg".into(),
        content_type: "image/jpeg".into(),
        width: 1,
        height: 1,
        caption: String::new(),
        credit: String::new(),
        alt_text: String::new(),
        uploaded_by: None,
    };
    assert!(matches!(store.add_media(duplicate).await, Err(StorageError::Conflict(_))));
}

/// Check: unknown references are refused.
pub async fn unknown_references_are_refused(store: &dyn Store) {
    seed_taxonomy(store).await;
    let mut no_section = article("a", "sport", 1);
    no_section.draft.section = slug("sport");
    assert!(matches!(store.create_article(no_section).await, Err(StorageError::InvalidReference(_))));
    let mut no_author = article("b", "world", 1);
    no_author.draft.authors = vec![slug("nobody")];
    assert!(matches!(store.create_article(no_author).await, Err(StorageError::InvalidReference(_))));
    let mut no_tag = article("c", "world", 1);
    no_tag.draft.tags = vec![slug("nothing")];
    assert!(matches!(store.create_article(no_tag).await, Err(StorageError::InvalidReference(_))));
    let mut no_byline = article("d", "world", 1);
    no_byline.draft.authors.clear();
    assert!(matches!(store.create_article(no_byline).await, Err(StorageError::Invalid(_))));
    // Nothing half-written is left behind by a refused article.
    let all = store.published_articles(&Listing::All, PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(all.total, 0);
}

/// Check: a slug in use is refused.
pub async fn a_slug_in_use_is_refused(store: &dyn Store) {
    seed_taxonomy(store).await;
    create(store, article("same", "world", 1)).await;
    assert!(matches!(store.create_article(article("same", "business", 2)).await, Err(StorageError::Conflict(_))));
}

/// Check: a changed slug leaves a redirect.
pub async fn a_changed_slug_leaves_a_redirect(store: &dyn Store) {
    seed_taxonomy(store).await;
    let id = create(store, article("old-name", "world", 1)).await;
    store.change_slug(id, &slug("new-name")).await.unwrap();
    assert_eq!(found(store, "new-name").await.id, id);
    assert_eq!(
        store.published_article(&slug("old-name")).await.unwrap(),
        ArticleLookup::Moved { slug: slug("new-name"), section: slug("world") }
    );
    // A former slug stays reserved for its article...
    assert!(matches!(store.create_article(article("old-name", "world", 2)).await, Err(StorageError::Conflict(_))));
    let other = create(store, article("other", "world", 3)).await;
    assert!(matches!(store.change_slug(other, &slug("old-name")).await, Err(StorageError::Conflict(_))));
    assert!(matches!(store.change_slug(other, &slug("new-name")).await, Err(StorageError::Conflict(_))));
    // ...which may take it back.
    store.change_slug(id, &slug("old-name")).await.unwrap();
    assert_eq!(found(store, "old-name").await.id, id);
    assert_eq!(
        store.published_article(&slug("new-name")).await.unwrap(),
        ArticleLookup::Moved { slug: slug("old-name"), section: slug("world") }
    );
    assert!(matches!(store.change_slug(ArticleId::generate(), &slug("x")).await, Err(StorageError::NotFound(_))));
    // A link made with a former slug leads to the current address.
    let links = store.published_links(&[slug("new-name")]).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!((links[0].named.as_str(), links[0].slug.as_str()), ("new-name", "old-name"));
}

/// Check: unpublished articles stay hidden.
pub async fn unpublished_articles_stay_hidden(store: &dyn Store) {
    seed_taxonomy(store).await;
    for (s, status) in [("draft", Status::Draft), ("review", Status::InReview), ("gone", Status::Unpublished)] {
        let mut new = article(s, "world", 1);
        new.status = status;
        create(store, new).await;
        assert_eq!(store.published_article(&slug(s)).await.unwrap(), ArticleLookup::Missing);
    }
    let all = store.published_articles(&Listing::All, PageRequest::new(1, 10)).await.unwrap();
    assert!(all.items.is_empty());
}

/// Check: listings filter and paginate newest first.
pub async fn listings_filter_and_paginate_newest_first(store: &dyn Store) {
    seed_taxonomy(store).await;
    for (i, section) in ["world", "business", "world", "world", "business"].iter().enumerate() {
        let mut new = article(&format!("story-{i}"), section, 10 - i as i64);
        if i % 2 == 0 {
            new.draft.tags = vec![slug("energy")];
            new.draft.authors = vec![slug("bo-chen")];
        }
        create(store, new).await;
    }
    let first = store.published_articles(&Listing::All, PageRequest::new(1, 2)).await.unwrap();
    assert_eq!(first.total, 5);
    assert_eq!(first.page_count(), 3);
    assert_eq!(first.items.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["story-4", "story-3"]);
    let last = store.published_articles(&Listing::All, PageRequest::new(3, 2)).await.unwrap();
    assert_eq!(last.items.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["story-0"]);
    let world = store.published_articles(&Listing::Section(slug("world")), PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(world.items.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["story-3", "story-2", "story-0"]);
    let energy = store.published_articles(&Listing::Tag(slug("energy")), PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(energy.total, 3);
    let by_bo = store.published_articles(&Listing::Author(slug("bo-chen")), PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(by_bo.items.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["story-4", "story-2", "story-0"]);
    assert!(by_bo.items.iter().all(|a| a.authors.iter().map(|x| x.slug.as_str()).eq(["bo-chen"])));
    let nobody = store.published_articles(&Listing::Tag(slug("missing")), PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(nobody.total, 0);
}

/// Check: published links cover only published articles.
pub async fn published_links_cover_only_published_articles(store: &dyn Store) {
    seed_taxonomy(store).await;
    create(store, article("live", "business", 1)).await;
    let mut draft = article("draft", "world", 1);
    draft.status = Status::Draft;
    create(store, draft).await;
    let links = store.published_links(&[slug("live"), slug("draft"), slug("missing")]).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!((links[0].slug.as_str(), links[0].section.as_str()), ("live", "business"));
    assert_eq!(links[0].headline.as_str(), "Headline of live");
    assert!(store.published_links(&[]).await.unwrap().is_empty());
}

/// Check: comments show approved and nest one level.
pub async fn comments_show_approved_and_nest_one_level(store: &dyn Store) {
    seed_taxonomy(store).await;
    let id = create(store, article("talk", "world", 5)).await;
    let now = OffsetDateTime::now_utc();
    let comment = |parent, status, minutes: i64| NewComment {
        article_id: id,
        parent_id: parent,
        author_name: "Reader".into(),
        author_email: Some("reader@example.org".into()),
        body: "Text".into(),
        status,
        posted_at: now - Duration::minutes(minutes),
        client_hash: Some(format!("client-{minutes}")),
        spam_score: 0,
        reasons: Vec::new(),
    };
    let top = store.add_comment(comment(None, CommentStatus::Approved, 30)).await.unwrap();
    let reply = store.add_comment(comment(Some(top.id), CommentStatus::Approved, 20)).await.unwrap();
    store.add_comment(comment(None, CommentStatus::Pending, 10)).await.unwrap();
    store.add_comment(comment(None, CommentStatus::Spam, 5)).await.unwrap();
    let shown = store.approved_comments(id).await.unwrap();
    assert_eq!(shown.iter().map(|c| c.id).collect::<Vec<_>>(), [top.id, reply.id]);
    assert_eq!(shown[1].parent_id, Some(top.id));
    assert!(matches!(
        store.add_comment(comment(Some(reply.id), CommentStatus::Approved, 1)).await,
        Err(StorageError::InvalidReference(_))
    ));
    let listed = store.published_articles(&Listing::All, PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(listed.items[0].comment_count, 2);
    let mut elsewhere = comment(None, CommentStatus::Approved, 1);
    elsewhere.article_id = ArticleId::generate();
    assert!(store.add_comment(elsewhere).await.is_err());
}

/// Check: a correction moves the update time.
pub async fn a_correction_moves_the_update_time(store: &dyn Store) {
    seed_taxonomy(store).await;
    let id = create(store, article("fixed", "world", 48)).await;
    let issued_at = OffsetDateTime::now_utc() - Duration::hours(1);
    store.add_correction(id, &Correction { note: "We misspelled a name.".into(), issued_at }).await.unwrap();
    let stored = found(store, "fixed").await;
    assert_eq!(stored.corrections.len(), 1);
    assert_eq!(stored.corrections[0].note, "We misspelled a name.");
    assert_eq!(stored.updated_at.unix_timestamp(), issued_at.unix_timestamp());
    let missing = store.add_correction(ArticleId::generate(), &Correction { note: "x".into(), issued_at }).await;
    assert!(matches!(missing, Err(StorageError::NotFound(_))));
}

/// Check: distribution queries cover published articles.
pub async fn distribution_queries_cover_published_articles(store: &dyn Store) {
    seed_taxonomy(store).await;
    let mut old = article("last-year", "world", 24 * 400);
    old.draft.tags = vec![slug("energy")];
    create(store, old).await;
    create(store, article("yesterday", "business", 24)).await;
    create(store, article("today", "world", 1)).await;
    let mut draft = article("draft", "world", 2);
    draft.status = Status::Draft;
    create(store, draft).await;

    let recent = store.recent_articles(&Listing::Section(slug("world")), 10).await.unwrap();
    assert_eq!(recent.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["today", "last-year"]);
    assert_eq!(recent[0].body_source, "Body.", "feeds get whole articles");
    assert_eq!(store.recent_articles(&Listing::All, 1).await.unwrap().len(), 1);

    let months = store.publication_months().await.unwrap();
    let total: u64 = months.iter().map(|m| m.articles).sum();
    assert_eq!(total, 3, "drafts are not in any month: {months:?}");
    assert!(months.windows(2).all(|w| (w[0].year, w[0].month) > (w[1].year, w[1].month)), "newest month first");
    let mut listed = Vec::new();
    for month in &months {
        let first = store.published_in_month(month, 0, 1).await.unwrap();
        let rest = store.published_in_month(month, 1, 100).await.unwrap();
        assert_eq!((first.len() + rest.len()) as u64, month.articles);
        listed.extend(first.into_iter().chain(rest).map(|l| l.slug.to_string()));
    }
    listed.sort();
    assert_eq!(listed, ["last-year", "today", "yesterday"]);
    let empty = PublicationMonth { year: 1999, month: 1, articles: 0, last_modified: OffsetDateTime::now_utc() };
    assert!(store.published_in_month(&empty, 0, 10).await.unwrap().is_empty());

    let since = store.published_since(OffsetDateTime::now_utc() - Duration::hours(48), 100).await.unwrap();
    assert_eq!(since.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["today", "yesterday"]);
}

/// Check: the job queue claims each due job once.
pub async fn the_job_queue_claims_each_due_job_once(store: &dyn Store) {
    let now = OffsetDateTime::now_utc();
    let lease = Duration::minutes(5);
    let later = store.enqueue_job(&ping("later", now + Duration::hours(1))).await.unwrap();
    let first = store.enqueue_job(&ping("first", now - Duration::seconds(2))).await.unwrap();
    let second = store.enqueue_job(&ping("second", now - Duration::seconds(1))).await.unwrap();
    assert!(later != first && first != second);

    let claimed = store.claim_job(now, lease).await.unwrap().expect("a due job");
    assert_eq!((claimed.id, claimed.payload.as_str(), claimed.attempts), (first, "first", 1));
    let next = store.claim_job(now, lease).await.unwrap().expect("the second due job");
    assert_eq!(next.id, second, "a claimed job is not handed out twice");
    assert_eq!(store.claim_job(now, lease).await.unwrap(), None, "nothing else is due");

    store.finish_job(&claimed).await.unwrap();
    store.retry_job(&next, now + Duration::seconds(10), "hub answered 503").await.unwrap();
    assert_eq!(store.claim_job(now, lease).await.unwrap(), None);
    let retried = store.claim_job(now + Duration::seconds(11), lease).await.unwrap().expect("due again");
    assert_eq!((retried.id, retried.attempts), (second, 2));

    // A runner that died leaves its job leased; the job comes back when the lease ends.
    assert_eq!(store.claim_job(now + Duration::seconds(12), lease).await.unwrap().map(|j| j.id), None);
    let reclaimed = store.claim_job(now + Duration::minutes(10), lease).await.unwrap().expect("lease over");
    assert_eq!(reclaimed.id, second);
    store.give_up_job(&reclaimed, "gave up").await.unwrap();
    assert_eq!(store.failed_jobs().await.unwrap(), [("ping".to_owned(), "second".to_owned(), "gave up".to_owned())]);
    assert_eq!(
        store.claim_job(now + Duration::hours(2), lease).await.unwrap().map(|j| j.payload),
        Some("later".into())
    );
}

/// Check: saves keep revisions and refuse stale ones.
pub async fn saves_keep_revisions_and_refuse_stale_ones(store: &dyn Store) {
    seed_taxonomy(store).await;
    let id = create(store, article("draft-one", "world", 1)).await;
    let stored = store.article(id).await.unwrap().expect("article exists");
    assert_eq!(stored.revision, 1);
    let mut draft = stored.draft();
    draft.body_source = "Second version.".into();
    draft.slug = slug("draft-one-renamed");
    let now = OffsetDateTime::now_utc();
    assert_eq!(store.save_article(id, 1, &draft, "Ann Lee", now).await.unwrap(), 2);
    // A second writer who also started from revision 1 is refused, and nothing changes.
    let mut theirs = stored.draft();
    theirs.body_source = "Their version.".into();
    match store.save_article(id, 1, &theirs, "Bo Chen", now).await {
        Err(StorageError::Stale { yours: 1, current: 2 }) => {}
        other => panic!("expected a stale refusal, got {other:?}"),
    }
    let saved = store.article(id).await.unwrap().unwrap();
    assert_eq!(saved.body_source, "Second version.");
    let history = store.revisions(id).await.unwrap();
    assert_eq!(history.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(history[0].saved_by, "Ann Lee");
    let first = store.revision(id, 1).await.unwrap().expect("revision 1 kept");
    assert_eq!(first.draft.body_source, "Body.");
    assert_eq!(store.revision(id, 2).await.unwrap().unwrap().draft, draft);
    assert!(store.revision(id, 3).await.unwrap().is_none());
    // The published article's old address redirects to the new one.
    assert!(matches!(store.published_article(&slug("draft-one")).await.unwrap(), ArticleLookup::Moved { .. }));
    assert!(!store.slug_is_free(&slug("draft-one")).await.unwrap());
    assert!(store.slug_is_free(&slug("never-used")).await.unwrap());
}

/// Check: status changes are compare and set.
pub async fn status_changes_are_compare_and_set(store: &dyn Store) {
    seed_taxonomy(store).await;
    let mut new = article("pending", "world", 1);
    new.status = Status::Draft;
    new.published_at = None;
    let id = create(store, new).await;
    let now = OffsetDateTime::now_utc();
    store.change_status(id, Status::Draft, Status::InReview, None, now, None).await.unwrap();
    assert!(matches!(
        store.change_status(id, Status::Draft, Status::Published, Some(now), now, None).await,
        Err(StorageError::Conflict(_))
    ));
    store.change_status(id, Status::InReview, Status::Published, Some(now), now, None).await.unwrap();
    let published = found(store, "pending").await;
    assert_eq!(published.status, Status::Published);
    assert_eq!(published.published_at.map(|t| t.unix_timestamp()), Some(now.unix_timestamp()));
}

/// Check: the newsroom list filters every status.
pub async fn the_newsroom_list_filters_every_status(store: &dyn Store) {
    seed_taxonomy(store).await;
    let mut draft = article("a-draft-about-gas", "business", 1);
    draft.status = Status::Draft;
    draft.published_at = None;
    create(store, draft).await;
    create(store, article("a-published-story", "world", 2)).await;
    let all = store.newsroom_articles(&NewsroomFilter::default(), PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(all.total, 2);
    let drafts = NewsroomFilter { status: Some(Status::Draft), ..NewsroomFilter::default() };
    let found = store.newsroom_articles(&drafts, PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(found.items.iter().map(|a| a.slug.as_str()).collect::<Vec<_>>(), ["a-draft-about-gas"]);
    assert_eq!(found.items[0].status, Status::Draft);
    let by_text = NewsroomFilter { headline_contains: Some("PUBLISHED".into()), ..NewsroomFilter::default() };
    assert_eq!(store.newsroom_articles(&by_text, PageRequest::new(1, 10)).await.unwrap().total, 1);
    let wildcard = NewsroomFilter { headline_contains: Some("%".into()), ..NewsroomFilter::default() };
    assert_eq!(store.newsroom_articles(&wildcard, PageRequest::new(1, 10)).await.unwrap().total, 0);
    let section = NewsroomFilter { section: Some(slug("world")), author: Some(slug("ann-lee")), ..Default::default() };
    assert_eq!(store.newsroom_articles(&section, PageRequest::new(1, 10)).await.unwrap().total, 1);
}

/// Check: accounts sessions and tokens.
pub async fn accounts_sessions_and_tokens(store: &dyn Store) {
    seed_taxonomy(store).await;
    let email = Email::parse("ann@example.org").unwrap();
    let new_user = || NewUser {
        email: email.clone(),
        name: "Ann Lee".into(),
        role: Role::Editor,
        author: slug("ann-lee"),
        password_hash: "$argon2id$hash".into(),
    };
    let user = store.add_user(new_user()).await.unwrap();
    assert!(matches!(store.add_user(new_user()).await, Err(StorageError::Conflict(_))));
    assert_eq!(store.users().await.unwrap(), vec![user.clone()]);
    assert_eq!(store.credentials(&email).await.unwrap(), Some((user.clone(), "$argon2id$hash".into())));
    store.set_role(user.id, Role::Admin).await.unwrap();
    assert_eq!(store.user(user.id).await.unwrap().unwrap().role, Role::Admin);
    let now = OffsetDateTime::now_utc();
    store.start_session("hash-1", user.id, "csrf-1", now + Duration::days(1)).await.unwrap();
    store.start_session("hash-2", user.id, "csrf-2", now - Duration::seconds(1)).await.unwrap();
    let session = store.session("hash-1", now).await.unwrap().expect("live session");
    assert_eq!((session.user.id, session.csrf_token.as_str()), (user.id, "csrf-1"));
    assert!(store.session("hash-2", now).await.unwrap().is_none(), "an expired session is not live");
    store.add_api_token("token-hash", user.id, "script").await.unwrap();
    assert_eq!(store.api_token_user("token-hash").await.unwrap().map(|u| u.id), Some(user.id));
    store.end_session("hash-1").await.unwrap();
    assert!(store.session("hash-1", now).await.unwrap().is_none());
    store.start_session("hash-3", user.id, "csrf-3", now + Duration::days(1)).await.unwrap();
    assert!(store.end_all_sessions(user.id).await.unwrap() >= 1);
    assert!(store.session("hash-3", now).await.unwrap().is_none());
    assert!(store.api_token_user("token-hash").await.unwrap().is_none());
}

/// Check: login failures are counted in a window.
pub async fn login_failures_are_counted_in_a_window(store: &dyn Store) {
    let now = OffsetDateTime::now_utc();
    for minutes in [30, 10, 5] {
        store.record_login_failure("email:a@b.org", now - Duration::minutes(minutes)).await.unwrap();
    }
    store.record_login_failure("email:other@b.org", now).await.unwrap();
    let (count, oldest) = store.login_failures("email:a@b.org", now - Duration::minutes(15)).await.unwrap();
    assert_eq!(count, 2);
    assert_eq!(oldest.map(|t| t.unix_timestamp()), Some((now - Duration::minutes(10)).unix_timestamp()));
    store.clear_login_failures("email:a@b.org").await.unwrap();
    assert_eq!(store.login_failures("email:a@b.org", now - Duration::hours(1)).await.unwrap().0, 0);
    assert_eq!(store.login_failures("email:other@b.org", now - Duration::hours(1)).await.unwrap().0, 1);
}

/// Check: media variants are kept with their image.
pub async fn media_variants_are_kept_with_their_image(store: &dyn Store) {
    let media = store
        .add_media(NewMedia {
            file_name: "photo.jpg".into(),
            content_type: "image/jpeg".into(),
            width: 2000,
            height: 1000,
            caption: String::new(),
            credit: String::new(),
            alt_text: String::new(),
            uploaded_by: None,
        })
        .await
        .unwrap();
    let variant = |w: u32, kind: &str| MediaVariant {
        file_name: format!("photo-{w}w.{kind}"),
        content_type: format!("image/{kind}"),
        width: w,
        height: w / 2,
    };
    store.add_media_variants(media.id, &[variant(960, "webp"), variant(480, "jpeg")]).await.unwrap();
    store.add_media_variants(media.id, &[variant(960, "webp")]).await.unwrap();
    store.describe_media(media.id, "A caption", "Photo: Ann Lee", "Alt").await.unwrap();
    let stored = store.media(media.id).await.unwrap().expect("media exists");
    assert_eq!(stored.variants.len(), 2, "re-adding a variant replaces it");
    assert_eq!(stored.variants_of("image/webp")[0].width, 960);
    assert_eq!(stored.credit, "Photo: Ann Lee");
    assert_eq!(store.recent_media(10).await.unwrap().len(), 1);
    let bad = MediaVariant { file_name: "../escape.jpg".into(), ..variant(480, "jpeg") };
    assert!(store.add_media_variants(media.id, &[bad]).await.is_err());
}

/// Check: comment moderation queries.
pub async fn comment_moderation_queries(store: &dyn Store) {
    seed_taxonomy(store).await;
    let id = create(store, article("debate", "world", 5)).await;
    let now = OffsetDateTime::now_utc();
    let comment = |email: &str, client: &str, body: &str, status, minutes: i64| NewComment {
        article_id: id,
        parent_id: None,
        author_name: "Reader".into(),
        author_email: Some(email.to_owned()),
        body: body.to_owned(),
        status,
        posted_at: now - Duration::minutes(minutes),
        client_hash: Some(client.to_owned()),
        spam_score: 3,
        reasons: vec!["two links".into(), "first comment".into()],
    };
    let held = store.add_comment(comment("a@x.org", "c1", "Held one", CommentStatus::Pending, 3)).await.unwrap();
    let other = store.add_comment(comment("B@x.org", "c2", "Other", CommentStatus::Pending, 2)).await.unwrap();
    store.add_comment(comment("b@x.org", "c2", "Spam", CommentStatus::Spam, 1)).await.unwrap();
    let queue = store.comments_in(CommentStatus::Pending, PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(queue.total, 2);
    assert_eq!(queue.items[0].comment.id, other.id, "newest first");
    assert_eq!(queue.items[1].reasons, ["two links", "first comment"]);
    assert_eq!(queue.items[1].email.as_deref(), Some("a@x.org"));
    assert_eq!(queue.items[1].article_path, "world/debate");
    assert!(!store.has_approved_comment(Some("a@x.org"), None).await.unwrap());
    assert_eq!(store.set_comment_status(&[held.id], CommentStatus::Approved).await.unwrap(), 1);
    assert!(store.has_approved_comment(Some("A@X.org"), None).await.unwrap());
    assert!(store.has_approved_comment(None, Some("c1")).await.unwrap());
    assert!(!store.has_approved_comment(None, Some("c2")).await.unwrap());
    assert_eq!(store.comment(held.id).await.unwrap().unwrap().status, CommentStatus::Approved);
    let (count, oldest) = store.client_comments_since("c2", now - Duration::minutes(10)).await.unwrap();
    assert_eq!(count, 2);
    assert!(oldest.is_some());
    assert_eq!(store.article_comments_since(id, now - Duration::seconds(150)).await.unwrap().0, 2);
    assert!(store.is_duplicate_comment(id, None, "Other", now - Duration::hours(1)).await.unwrap());
    assert!(!store.is_duplicate_comment(id, Some("c9"), "New words", now - Duration::hours(1)).await.unwrap());
    assert_eq!(store.delete_comments_by_email("b@X.org").await.unwrap(), 2);
    assert_eq!(store.delete_comments(&[held.id]).await.unwrap(), 1);
    assert!(store.comment(held.id).await.unwrap().is_none());
    store.set_comments_open(id, Some(false)).await.unwrap();
    assert_eq!(store.article(id).await.unwrap().unwrap().comments_open, Some(false));
    store.set_comments_open(id, None).await.unwrap();
    assert_eq!(store.article(id).await.unwrap().unwrap().comments_open, None);
    assert_eq!(store.site_setting("comment_moderation").await.unwrap(), None);
    store.set_site_setting("comment_moderation", "hold_all").await.unwrap();
    store.set_site_setting("comment_moderation", "publish").await.unwrap();
    assert_eq!(store.site_setting("comment_moderation").await.unwrap().as_deref(), Some("publish"));
}

/// Check: a bulk import stores articles and comments.
pub async fn a_bulk_import_stores_articles_and_comments(store: &dyn Store) {
    seed_taxonomy(store).await;
    let now = OffsetDateTime::now_utc();
    let batch: Vec<crate::ImportedArticle> = (0..5)
        .map(|n| {
            let mut article = article(&format!("imported-{n}"), if n % 2 == 0 { "world" } else { "business" }, n + 1);
            article.draft.tags = vec![slug("ukraine"), slug("energy")];
            crate::ImportedArticle {
                article,
                comments: (0..n).map(|c| ("Reader".to_owned(), format!("Comment {c}"), now)).collect(),
            }
        })
        .collect();
    assert_eq!(store.import_articles(&batch).await.unwrap(), 5);
    let world = store.published_articles(&Listing::Section(slug("world")), PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(world.total, 3);
    let newest = found(store, "imported-4").await;
    assert_eq!(newest.tags.len(), 2);
    assert_eq!(store.approved_comments(newest.id).await.unwrap().len(), 4);
    assert_eq!(store.revisions(newest.id).await.unwrap().len(), 1);
    let mut unknown = batch[0].clone();
    unknown.article.draft.slug = slug("imported-unknown");
    unknown.article.draft.section = slug("sport");
    assert!(matches!(store.import_articles(&[unknown]).await, Err(StorageError::InvalidReference(_))));
    assert!(store.import_articles(&batch[..1]).await.is_err(), "slugs must be free");
}

fn suggested(slug_text: &str, name: &str, kind: TopicKind, salience: f64) -> ArticleTopic {
    ArticleTopic {
        topic: Topic { slug: slug(slug_text), name: name.into(), kind },
        salience,
        mentions: 2,
        role: None,
        state: TopicState::Suggested,
    }
}

/// Check: analyses keep editors topic decisions.
pub async fn analyses_keep_editors_topic_decisions(store: &dyn Store) {
    seed_taxonomy(store).await;
    let id = create(store, article("analysed", "world", 1)).await;
    assert_eq!(store.articles_needing_analysis(10).await.unwrap(), vec![id], "a new article awaits analysis");
    let first = [
        suggested("antony-blinken", "Antony Blinken", TopicKind::Person, 0.5),
        suggested("kyiv", "Kyiv", TopicKind::Place, 0.3),
        suggested("davos", "Davos", TopicKind::Place, 0.2),
    ];
    let quote = ArticleQuote {
        text: "I don't see it.".into(),
        speaker: Some("Antony Blinken".into()),
        speaker_topic: Some(slug("antony-blinken")),
    };
    store.save_analysis(id, 1, &first, std::slice::from_ref(&quote)).await.unwrap();
    assert!(store.articles_needing_analysis(10).await.unwrap().is_empty(), "analysed at its revision");
    store.set_topic_state(id, &slug("antony-blinken"), TopicState::Confirmed).await.unwrap();
    store.set_topic_state(id, &slug("kyiv"), TopicState::Removed).await.unwrap();
    assert!(matches!(
        store.set_topic_state(id, &slug("nobody"), TopicState::Confirmed).await,
        Err(StorageError::NotFound(_))
    ));
    // A later analysis no longer finds Davos or Kyiv: the suggestion goes, the decision stays.
    let second = [suggested("antony-blinken", "Antony Blinken", TopicKind::Person, 0.9)];
    store.save_analysis(id, 2, &second, &[]).await.unwrap();
    let topics = store.article_topics(id).await.unwrap();
    let states: Vec<(&str, TopicState)> = topics.iter().map(|t| (t.topic.slug.as_str(), t.state)).collect();
    assert_eq!(states, [("antony-blinken", TopicState::Confirmed), ("kyiv", TopicState::Removed)]);
    assert!((topics[0].salience - 0.9).abs() < 1e-9, "measurements are refreshed");
    assert!(store.article_quotes(id).await.unwrap().is_empty(), "quotations are replaced");
    store
        .add_topic(id, &Topic { slug: slug("peace-desk"), name: "Peace Desk".into(), kind: TopicKind::Organization })
        .await
        .unwrap();
    let added = store.article_topics(id).await.unwrap();
    assert!(added.iter().any(|t| t.topic.slug.as_str() == "peace-desk" && t.state == TopicState::Confirmed));
}

/// Check: topic pages list confirmed published articles.
pub async fn topic_pages_list_confirmed_published_articles(store: &dyn Store) {
    seed_taxonomy(store).await;
    let published = create(store, article("on-topic", "world", 2)).await;
    let mut draft = article("draft-on-topic", "world", 1);
    draft.status = Status::Draft;
    draft.published_at = None;
    let draft = create(store, draft).await;
    let blinken = [suggested("antony-blinken", "Antony Blinken", TopicKind::Person, 0.5)];
    let quote = ArticleQuote {
        text: "I don't see it.".into(),
        speaker: Some("Antony Blinken".into()),
        speaker_topic: Some(slug("antony-blinken")),
    };
    for id in [published, draft] {
        store.save_analysis(id, 1, &blinken, std::slice::from_ref(&quote)).await.unwrap();
    }
    assert!(store.topic(&slug("antony-blinken")).await.unwrap().is_none(), "suggestions make no page");
    for id in [published, draft] {
        store.set_topic_state(id, &slug("antony-blinken"), TopicState::Confirmed).await.unwrap();
    }
    let topic = store.topic(&slug("antony-blinken")).await.unwrap().expect("a confirmed topic has a page");
    assert_eq!((topic.name.as_str(), topic.kind), ("Antony Blinken", TopicKind::Person));
    let listed =
        store.published_articles(&Listing::Topic(slug("antony-blinken")), PageRequest::new(1, 10)).await.unwrap();
    assert_eq!(listed.items.iter().map(|a| a.id).collect::<Vec<_>>(), vec![published], "only published articles");
    let quotes = store.topic_quotes(&slug("antony-blinken"), 10).await.unwrap();
    assert_eq!(quotes.len(), 1, "quotations from published articles only");
    assert_eq!(quotes[0].url, "/world/on-topic");
    assert_eq!(store.published_article_ids().await.unwrap(), vec![published]);
}

/// Check: related pins keep their order.
pub async fn related_pins_keep_their_order(store: &dyn Store) {
    seed_taxonomy(store).await;
    let a = create(store, article("pin-a", "world", 3)).await;
    let b = create(store, article("pin-b", "world", 2)).await;
    let c = create(store, article("pin-c", "business", 1)).await;
    store.set_related_pins(a, &[c, b]).await.unwrap();
    assert_eq!(store.related_pins(a).await.unwrap(), vec![c, b]);
    store.set_related_pins(a, &[b]).await.unwrap();
    assert_eq!(store.related_pins(a).await.unwrap(), vec![b]);
    let missing = ArticleId::generate();
    assert!(store.set_related_pins(a, &[missing]).await.is_err(), "pins name existing articles");
    assert_eq!(store.related_pins(a).await.unwrap(), vec![b], "a refused change leaves the pins as they were");
}

/// Check: versions move with every change readers can see.
pub async fn versions_move_with_every_change_readers_can_see(store: &dyn Store) {
    seed_taxonomy(store).await;
    let id = create(store, article("versioned", "world", 1)).await;
    let first = version_of(store, id).await;
    let published = store.published_versions().await.unwrap();
    assert_eq!(published, vec![(id, first)], "published articles are listed with their version");
    let mut last = first;
    let mut moved = |now: u64, what: &str| {
        assert!(now > last, "{what} moves the version ({last} then {now})");
        last = now;
    };
    let draft = store.article(id).await.unwrap().expect("exists").draft();
    let revision = store.article(id).await.unwrap().expect("exists").revision;
    store.save_article(id, revision, &draft, "Ann Lee", OffsetDateTime::now_utc()).await.unwrap();
    moved(version_of(store, id).await, "a save");
    store.change_slug(id, &slug("versioned-2")).await.unwrap();
    moved(version_of(store, id).await, "a new address");
    let correction = Correction { note: "A date was wrong.".into(), issued_at: OffsetDateTime::now_utc() };
    store.add_correction(id, &correction).await.unwrap();
    moved(version_of(store, id).await, "a correction");
    let topic = Topic { slug: slug("ann-lee"), name: "Ann Lee".into(), kind: TopicKind::Person };
    store.add_topic(id, &topic).await.unwrap();
    moved(version_of(store, id).await, "a topic added");
    store.set_topic_state(id, &topic.slug, TopicState::Removed).await.unwrap();
    moved(version_of(store, id).await, "a topic removed");
    store.save_analysis(id, revision + 1, &[], &[]).await.unwrap();
    moved(version_of(store, id).await, "an analysis");
    let now = OffsetDateTime::now_utc();
    store.change_status(id, Status::Published, Status::Unpublished, Some(now), now, None).await.unwrap();
    moved(version_of(store, id).await, "unpublishing");
    assert!(store.published_versions().await.unwrap().is_empty(), "an unpublished article is not listed");
}

/// Check: pictures know their uploader and the articles showing them.
pub async fn pictures_know_their_uploader_and_the_articles_showing_them(store: &dyn Store) {
    seed_taxonomy(store).await;
    let user = store
        .add_user(NewUser {
            email: Email::parse("ann@example.org").unwrap(),
            name: "Ann Lee".into(),
            role: Role::Contributor,
            author: slug("ann-lee"),
            password_hash: "x".into(),
        })
        .await
        .unwrap();
    let new_media = |file: &str, by| NewMedia {
        file_name: file.into(),
        content_type: "image/jpeg".into(),
        width: 10,
        height: 10,
        caption: String::new(),
        credit: String::new(),
        alt_text: String::new(),
        uploaded_by: by,
    };
    let hers = store.add_media(new_media("hers.jpg", Some(user.id))).await.unwrap();
    let nobodys = store.add_media(new_media("old.jpg", None)).await.unwrap();
    assert_eq!(store.media(hers.id).await.unwrap().expect("exists").uploaded_by, Some(user.id));
    assert_eq!(store.media(nobodys.id).await.unwrap().expect("exists").uploaded_by, None);
    let mut lead = article("with-a-picture", "world", 1);
    lead.draft.lead_image = Some(hers.id);
    let id = create(store, lead).await;
    let mut draft = article("draft-with-it", "world", 2);
    draft.draft.lead_image = Some(hers.id);
    draft.status = Status::Draft;
    draft.published_at = None;
    let other = create(store, draft).await;
    let mut showing = store.articles_showing_media(hers.id).await.unwrap();
    showing.sort_by_key(|(article, _)| *article);
    let mut expected = vec![(id, Status::Published), (other, Status::Draft)];
    expected.sort_by_key(|(article, _)| *article);
    assert_eq!(showing, expected);
    assert!(store.articles_showing_media(nobodys.id).await.unwrap().is_empty());
    assert_eq!(
        found(store, "with-a-picture").await.lead_image.and_then(|m| m.uploaded_by),
        Some(user.id),
        "a lead image read with its article knows its uploader"
    );
}

async fn version_of(store: &dyn Store, id: ArticleId) -> u64 {
    store.article(id).await.unwrap().expect("the article exists").version
}

fn ping(payload: &str, run_after: OffsetDateTime) -> NewJob {
    NewJob { kind: "ping".into(), payload: payload.into(), run_after }
}

/// Check: of two writers saving over the same revision at the same moment,
/// exactly one wins and the other is told it is stale; twenty rounds.
pub async fn two_savers_of_the_same_revision_one_wins(store: &dyn Store) {
    seed_taxonomy(store).await;
    let id = create(store, article("contested", "world", 1)).await;
    let base = store.article(id).await.unwrap().expect("article exists").draft();
    let now = OffsetDateTime::now_utc();
    for round in 1..=20_u32 {
        let mut ours = base.clone();
        ours.body_source = format!("Ours, round {round}.");
        let mut theirs = base.clone();
        theirs.body_source = format!("Theirs, round {round}.");
        let (a, b) = tokio::join!(
            store.save_article(id, round, &ours, "Ann Lee", now),
            store.save_article(id, round, &theirs, "Bo Chen", now)
        );
        let (winner, loser) = match (a, b) {
            (Ok(next), Err(stale)) => ((next, ours), stale),
            (Err(stale), Ok(next)) => ((next, theirs), stale),
            other => panic!("round {round}: exactly one save must win, got {other:?}"),
        };
        assert_eq!(winner.0, round + 1, "round {round}");
        assert!(
            matches!(loser, StorageError::Stale { yours, .. } if yours == round),
            "round {round}: the loser is told it is stale, got {loser:?}"
        );
        let saved = store.article(id).await.unwrap().unwrap();
        assert_eq!((saved.revision, saved.body_source), (round + 1, winner.1.body_source), "round {round}");
    }
    assert_eq!(store.revisions(id).await.unwrap().len(), 21, "one revision per winning save, plus the first");
}

/// Check: two job runners taking jobs at the same time from many due jobs
/// run each exactly once.
pub async fn two_runners_run_each_due_job_once(store: &dyn Store) {
    let now = OffsetDateTime::now_utc();
    let mut queued = Vec::new();
    for n in 0..60 {
        queued.push(store.enqueue_job(&ping(&format!("job {n}"), now - Duration::seconds(1))).await.unwrap());
    }
    let runner = || async {
        let mut ran = Vec::new();
        while let Some(job) = store.claim_job(now, Duration::minutes(5)).await.unwrap() {
            store.finish_job(&job).await.unwrap();
            ran.push(job.id);
        }
        ran
    };
    let (first, second) = tokio::join!(runner(), runner());
    let mut all = [first, second].concat();
    all.sort_unstable();
    queued.sort_unstable();
    assert_eq!(all, queued, "every job ran, and none twice");
    assert_eq!(store.claim_job(now + Duration::hours(1), Duration::minutes(5)).await.unwrap(), None);
}

/// Check: a runner whose lease ran out cannot finish, retry or give up the
/// job another runner claimed since; the new holder can.
pub async fn a_runner_whose_lease_ran_out_cannot_settle_its_job(store: &dyn Store) {
    let now = OffsetDateTime::now_utc();
    let lease = Duration::minutes(5);
    let id = store.enqueue_job(&ping("slow", now - Duration::seconds(1))).await.unwrap();
    let stalled = store.claim_job(now, lease).await.unwrap().expect("due");
    let holder = store.claim_job(now + lease + Duration::seconds(1), lease).await.unwrap().expect("lease over");
    assert_eq!((holder.id, holder.attempts), (id, 2));
    for refused in [
        store.finish_job(&stalled).await,
        store.retry_job(&stalled, now, "too late").await,
        store.give_up_job(&stalled, "too late").await,
    ] {
        assert!(matches!(refused, Err(StorageError::LeaseLost { job }) if job == id), "{refused:?}");
    }
    assert!(store.failed_jobs().await.unwrap().is_empty(), "the stalled runner changed nothing");
    store.finish_job(&holder).await.unwrap();
    assert_eq!(store.claim_job(now + Duration::hours(1), lease).await.unwrap(), None, "the holder finished it");
}

/// Check: a workflow step and the job it calls for commit together, and a
/// refused step queues nothing.
pub async fn a_scheduled_step_and_its_job_commit_together(store: &dyn Store) {
    seed_taxonomy(store).await;
    let mut new = article("for-tomorrow", "world", 1);
    new.status = Status::InReview;
    new.published_at = None;
    let id = create(store, new).await;
    let now = OffsetDateTime::now_utc();
    let at = now + Duration::hours(1);
    let job = NewJob { kind: "publish-scheduled".into(), payload: id.to_string(), run_after: at };
    let refused = store.change_status(id, Status::Draft, Status::Scheduled, Some(at), now, Some(&job)).await;
    assert!(matches!(refused, Err(StorageError::Conflict(_))), "{refused:?}");
    assert_eq!(store.claim_job(at, Duration::minutes(5)).await.unwrap(), None, "a refused step queues nothing");
    store.change_status(id, Status::InReview, Status::Scheduled, Some(at), now, Some(&job)).await.unwrap();
    assert_eq!(store.claim_job(now, Duration::minutes(5)).await.unwrap(), None, "not due before its time");
    let claimed = store.claim_job(at, Duration::minutes(5)).await.unwrap().expect("queued with the step");
    assert_eq!((claimed.kind.as_str(), claimed.payload), ("publish-scheduled", id.to_string()));
}

/// Check: the change feed gives every reader the changes in the order
/// they were recorded, with the node that made them, and forgets old ones
/// when pruned.
pub async fn the_change_feed_keeps_changes_in_order(store: &dyn Store) {
    assert_eq!(store.last_change().await.unwrap(), 0);
    let id = masthead_content::ArticleId::generate();
    let article = Change::Article {
        id,
        sections: vec![slug("world")],
        tags: vec![slug("ukraine")],
        authors: vec![slug("ann-lee")],
        topics: vec![],
    };
    let first = store.record_change("node-a", &article).await.unwrap();
    let second = store.record_change("node-b", &Change::Everything).await.unwrap();
    let third = store.record_change("node-a", &Change::Related { ids: vec![id] }).await.unwrap();
    assert!(first < second && second < third, "{first} {second} {third}");
    assert_eq!(store.last_change().await.unwrap(), third);

    let all = store.changes_after(0, 10, std::time::Duration::ZERO).await.unwrap();
    assert!(!all.reconnected);
    let seen: Vec<_> = all.changes.iter().map(|c| (c.sequence, c.origin.as_str(), c.change.clone())).collect();
    assert_eq!(
        seen,
        [
            (first, "node-a", article),
            (second, "node-b", Change::Everything),
            (third, "node-a", Change::Related { ids: vec![id] })
        ]
    );
    let page = store.changes_after(first, 1, std::time::Duration::ZERO).await.unwrap();
    assert_eq!(
        page.changes.iter().map(|c| c.sequence).collect::<Vec<_>>(),
        [second],
        "at most the limit, after the given one"
    );
    assert!(store.changes_after(third, 10, std::time::Duration::ZERO).await.unwrap().changes.is_empty());

    assert_eq!(store.prune_changes(OffsetDateTime::now_utc() - Duration::hours(1)).await.unwrap(), 0);
    assert_eq!(store.prune_changes(OffsetDateTime::now_utc() + Duration::hours(1)).await.unwrap(), 3);
    let next = store.record_change("node-a", &Change::Everything).await.unwrap();
    assert!(next > third, "a number is never given twice, even after pruning");
}

/// Check: a reader waiting on the change feed hears a change recorded
/// meanwhile, long before its minute-long wait is over, whenever the change
/// lands: before its first look, while it prepares to wait, or during the wait.
pub async fn a_reader_waiting_on_the_change_feed_hears_a_new_change(store: &dyn Store) {
    let before = store.last_change().await.unwrap();
    let (heard, recorded) = tokio::join!(store.changes_after(before, 10, std::time::Duration::from_secs(60)), async {
        // Give the reader a head start (how far it gets varies from run to run).
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
        store.record_change("node-b", &Change::Everything).await.unwrap()
    });
    let heard = heard.unwrap();
    assert_eq!(heard.changes.iter().map(|c| c.sequence).collect::<Vec<_>>(), [recorded]);
}
