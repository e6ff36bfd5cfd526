use super::*;

const SEED: &str = include_str!("../tests/fixtures/seed-article.txt");

fn analysed(text: &str) -> Analysis {
    analyse(&Document::from_plain_text(text))
}

fn kind_of(analysis: &Analysis, name: &str) -> Option<EntityKind> {
    analysis.entities.iter().find(|e| e.name == name).map(|e| e.kind)
}

#[test]
fn the_seed_article_names_its_people_organisations_and_places() {
    let analysis = analysed(SEED);
    let expected = [
        ("Antony Blinken", EntityKind::Person),
        ("Volodymyr Zelensky", EntityKind::Person),
        ("Vladimir Putin", EntityKind::Person),
        ("Joe Biden", EntityKind::Person),
        ("US Congress", EntityKind::Organization),
        ("World Economic Forum", EntityKind::Organization),
        ("Davos", EntityKind::Place),
        ("Kyiv", EntityKind::Place),
        ("Ukraine", EntityKind::Place),
        ("Russia", EntityKind::Place),
        ("North Korea", EntityKind::Place),
    ];
    let names: Vec<(&str, EntityKind)> = analysis.entities.iter().map(|e| (e.name.as_str(), e.kind)).collect();
    for (name, kind) in expected {
        assert_eq!(kind_of(&analysis, name), Some(kind), "{name} in {names:?}");
    }
}

#[test]
fn a_surname_joins_the_full_name_and_the_title_becomes_the_role() {
    let analysis = analysed(SEED);
    let blinken = analysis.entities.iter().find(|e| e.name == "Antony Blinken").unwrap();
    assert!(blinken.mentions.iter().filter(|m| *m == "Blinken").count() >= 3, "{:?}", blinken.mentions);
    assert_eq!(blinken.role.as_deref(), Some("Secretary of State"));
    assert_eq!(analysis.entities.iter().filter(|e| e.name.contains("Blinken")).count(), 1);
    assert_eq!(analysis.entities[0].name, "Antony Blinken", "the most salient entity");
}

#[test]
fn possessives_are_not_part_of_the_name() {
    let analysis = analysed(SEED);
    assert!(!analysis.entities.iter().any(|e| e.name.contains('’') || e.name.contains('‘')));
    let russia = analysis.entities.iter().find(|e| e.name == "Russia").unwrap();
    assert!(russia.mentions.len() >= 6);
}

#[test]
fn the_blinken_quote_is_attributed_to_him() {
    let analysis = analysed(SEED);
    assert!(
        analysis.quotes.contains(&Quote { text: "I don’t see it.".into(), speaker: Some("Antony Blinken".into()) }),
        "{:?}",
        analysis.quotes
    );
}

#[test]
fn an_acronym_joins_its_expansion() {
    let analysis = analysed(
        "Leaders Meet\n\nThe World Economic Forum opened on Monday. Organisers at the WEF said attendance was up.\n",
    );
    let forum: Vec<&Entity> = analysis.entities.iter().filter(|e| e.kind == EntityKind::Organization).collect();
    assert_eq!(forum.len(), 1, "{forum:?}");
    assert_eq!(forum[0].name, "World Economic Forum");
    assert!(forum[0].mentions.contains(&"WEF".to_owned()));
}

#[test]
fn unknown_people_organisations_and_places_are_read_from_context() {
    let analysis = analysed(
        "Mine Reopens\n\nWorkers at Tarvik Mining Group returned on Monday to the pit in Brodivka, where \
         Oksana Hrytsenko, the site manager, said safety checks were complete.\n\n\
         \"We are ready,\" Hrytsenko told reporters. Tarvik said output would resume next week.\n",
    );
    assert_eq!(kind_of(&analysis, "Tarvik Mining Group"), Some(EntityKind::Organization), "{:?}", analysis.entities);
    assert_eq!(kind_of(&analysis, "Brodivka"), Some(EntityKind::Place));
    assert_eq!(kind_of(&analysis, "Oksana Hrytsenko"), Some(EntityKind::Person));
    assert_eq!(analysis.quotes[0].speaker.as_deref(), Some("Oksana Hrytsenko"));
}

#[test]
fn quote_attribution_patterns_and_pronouns() {
    let analysis = analysed(
        "Talks\n\nMaria Lopez, the mayor, spoke first. “We will rebuild the bridge,” she said. \
         \"It will take two years,\" said Lopez.\n\n\
         Kenji Watanabe said: \"The money is there.\" According to Watanabe, \"nothing is decided yet.\"\n\n\
         The ministry of works was cautious. \"First part of it,\" he said, \"and the second part.\"\n",
    );
    let speakers: Vec<(&str, Option<&str>)> =
        analysis.quotes.iter().map(|q| (q.text.as_str(), q.speaker.as_deref())).collect();
    assert_eq!(
        speakers,
        [
            ("We will rebuild the bridge,", Some("Maria Lopez")),
            ("It will take two years,", Some("Maria Lopez")),
            ("The money is there.", Some("Kenji Watanabe")),
            ("nothing is decided yet.", Some("Kenji Watanabe")),
            ("First part of it,", Some("Kenji Watanabe")),
            ("and the second part.", Some("Kenji Watanabe")),
        ]
    );
}

#[test]
fn scare_quotes_are_not_quotations() {
    let analysis = analysed("Plan\n\nThe so-called \"peace plan\" was described as \"dead\" by critics.\n");
    assert!(analysis.quotes.is_empty(), "{:?}", analysis.quotes);
}

#[test]
fn salience_adds_up_to_one() {
    let analysis = analysed(SEED);
    let total: f64 = analysis.entities.iter().map(|e| e.salience).sum();
    assert!((total - 1.0).abs() < 0.01, "{total}");
}

#[test]
fn nothing_panics_on_odd_input() {
    for text in ["", "\n\n", "\"", "“", "A", "’s", "U.S.", "Mr.", "\"\"\"\"", "## \n\n##", "a\u{0}b «x» ’’"] {
        let _ = analysed(text);
    }
}
