//! The rules on real sentence shapes. Spans are placed by their text, so each test reads
//! like the sentence it checks.

use super::*;
use crate::model::{Decision, Document, Project};

/// A project of one document with `text` and spans over the first occurrence of each
/// `(needle, label)`.
fn project(text: &str, spans: &[(&str, &str)]) -> Project {
    let mut project = Project::new("test", "tester");
    let mut doc = Document::new("doc", "Doc", text);
    for (needle, label) in spans {
        let (start, end) = find(&doc, needle);
        let edit = doc.add_span_edit(start, end, label);
        doc.apply(edit, &project.schema).expect("the span is valid");
    }
    project.documents.push(doc);
    project
}

/// Code-point range of the first occurrence of `needle`.
fn find(doc: &Document, needle: &str) -> (usize, usize) {
    let byte = doc
        .text()
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is in the text"));
    let start = doc.index().char_of(doc.text(), byte).expect("a boundary");
    (start, start + needle.chars().count())
}

fn run(project: &Project, rules: &[Rule]) -> Vec<Suggestion> {
    suggest(project, 0, &Config::with_rules(rules)).expect("document 0 exists")
}

/// The texts of the span suggestions.
fn span_texts(project: &Project, suggestions: &[Suggestion]) -> Vec<String> {
    let doc = &project.documents[0];
    suggestions
        .iter()
        .filter_map(|s| match &s.proposal {
            Proposal::Span(key) => doc.slice(key.start, key.end).map(str::to_owned),
            Proposal::Link { .. } => None,
        })
        .collect()
}

/// The links suggested, as (from text, to text, type).
fn link_texts(project: &Project, suggestions: &[Suggestion]) -> Vec<(String, String, String)> {
    let doc = &project.documents[0];
    let text = |key: &SpanKey| doc.slice(key.start, key.end).unwrap_or("?").to_owned();
    suggestions
        .iter()
        .filter_map(|s| match &s.proposal {
            Proposal::Link {
                from,
                to,
                link_type,
            } => Some((text(from), text(to), link_type.clone())),
            Proposal::Span(_) => None,
        })
        .collect()
}

fn quotes_in(text: &str) -> Vec<String> {
    let project = project(text, &[]);
    span_texts(&project, &run(&project, &[Rule::Quotes]))
}

#[test]
fn straight_curly_and_guillemet_quotations_include_their_marks() {
    assert_eq!(
        quotes_in("He called it \"very good,\" and left."),
        ["\"very good,\""]
    );
    assert_eq!(
        quotes_in("She said: “We will not give up.” Then she left."),
        ["“We will not give up.”"]
    );
    assert_eq!(
        quotes_in("Il a dit « nous sommes prêts » hier et «\u{a0}jamais\u{a0}» aujourd'hui."),
        ["« nous sommes prêts »", "«\u{a0}jamais\u{a0}»"]
    );
    assert_eq!(
        quotes_in("Er sagte „wir sind bereit“ und ‚vielleicht morgen‘."),
        ["„wir sind bereit“", "‚vielleicht morgen‘"]
    );
    assert_eq!(
        quotes_in("The word was ‘unacceptable’, officials said."),
        ["‘unacceptable’"]
    );
}

#[test]
fn apostrophes_are_not_quotation_marks() {
    assert!(quotes_in("Ukraine's army and Ukraine’s allies met.").is_empty());
    assert!(quotes_in("They played rock 'n' roll and rock ’n’ roll all night.").is_empty());
    assert!(quotes_in("Back in the ’90s and the '80s, it was different.").is_empty());
    // Elided words, and a plural possessive that closes nothing.
    assert!(quotes_in("It's 'tis the season, rock 'n' roll, the '90s and Jones' car.").is_empty());
    assert!(quotes_in("Tell ’em ’cause it’s late, said the Joneses’ lawyer.").is_empty());
    // A quotation that happens to start with such a word is still found when it closes.
    assert_eq!(
        quotes_in("She wrote 'Emma and the rest' in 1815."),
        ["'Emma and the rest'"]
    );
    // An apostrophe inside a real quotation does not end it.
    assert_eq!(
        quotes_in("He said ‘Russia’s position hasn’t changed’ today."),
        ["‘Russia’s position hasn’t changed’"]
    );
}

#[test]
fn nested_quotations_give_the_outer_one_only() {
    let text = "Peskov said: “Putin told them ‘we are ready’ and meant it.” Done.";
    assert_eq!(
        quotes_in(text),
        ["“Putin told them ‘we are ready’ and meant it.”"]
    );
    // Once the outer one is a quote, the inner one is covered by it.
    let marked = project(
        text,
        &[("“Putin told them ‘we are ready’ and meant it.”", "quote")],
    );
    assert!(run(&marked, &[Rule::Quotes]).is_empty());
}

#[test]
fn an_unbalanced_mark_stays_within_its_paragraph() {
    let text = "He said \"this never closes.\nA new paragraph with \"a real quote\" here.";
    assert_eq!(quotes_in(text), ["\"a real quote\""]);
}

#[test]
fn a_quote_span_already_there_is_not_suggested() {
    let project = project("He said \"yes\" and \"no\".", &[("\"yes\"", "quote")]);
    assert_eq!(
        span_texts(&project, &run(&project, &[Rule::Quotes])),
        ["\"no\""]
    );
}

#[test]
fn the_speaker_before_the_quote() {
    let project = project(
        "Kremlin aide Yuri Ushakov said: “The talks were useful.” Nothing else.",
        &[
            ("Yuri Ushakov", "actor"),
            ("“The talks were useful.”", "quote"),
        ],
    );
    assert_eq!(
        link_texts(&project, &run(&project, &[Rule::Speakers])),
        [(
            "“The talks were useful.”".to_owned(),
            "Yuri Ushakov".to_owned(),
            "said_by".to_owned()
        )]
    );
}

#[test]
fn the_speaker_after_the_quote_either_way_round() {
    for (text, speaker) in [
        ("“We are ready,” Peskov said on Friday.", "Peskov"),
        ("“We are ready,” said Dmitry Peskov.", "Dmitry Peskov"),
        ("Ukraine supports the plan, according to Trump.", "Trump"),
    ] {
        let quote = if text.starts_with('“') {
            "“We are ready,”"
        } else {
            "Ukraine supports the plan"
        };
        let project = project(text, &[(quote, "quote"), (speaker, "actor")]);
        let links = link_texts(&project, &run(&project, &[Rule::Speakers]));
        assert_eq!(
            links,
            [(quote.to_owned(), speaker.to_owned(), "said_by".to_owned())],
            "in {text:?}"
        );
    }
}

#[test]
fn according_to_before_the_claim() {
    let project = project(
        "According to Trump, Ukraine \"pretty well\" supports the US proposal.",
        &[
            ("Trump", "actor"),
            ("Ukraine \"pretty well\" supports the US proposal", "claim"),
        ],
    );
    // The quotation inside the claim is found for its link too; the claim's own link:
    let links: Vec<_> = link_texts(&project, &run(&project, &[Rule::Speakers]))
        .into_iter()
        .filter(|(from, _, _)| from.starts_with("Ukraine"))
        .collect();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].1, "Trump");
}

#[test]
fn the_speaker_of_the_next_sentence() {
    let project = project(
        "“It is over. We go home.” Then Zelensky added a warning.",
        &[
            ("“It is over. We go home.”", "quote"),
            ("Zelensky", "actor"),
        ],
    );
    let links = link_texts(&project, &run(&project, &[Rule::Speakers]));
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].1, "Zelensky");
}

#[test]
fn a_pronoun_keeps_the_quote_from_an_actor_who_did_not_speak() {
    // Trump is named in the sentence before, but "he said" ties the quote, and nobody
    // spoke before it in the paragraph: no speaker is guessed.
    let project = project(
        "Trump met Zelensky. “It went well,” he said.",
        &[
            ("Trump", "actor"),
            ("Zelensky", "actor"),
            ("“It went well,”", "quote"),
        ],
    );
    assert!(link_texts(&project, &run(&project, &[Rule::Speakers])).is_empty());
}

#[test]
fn a_quote_with_a_speaker_gets_none_suggested() {
    let mut project = project(
        "Peskov said “yes.”",
        &[("Peskov", "actor"), ("“yes.”", "quote")],
    );
    let doc = &mut project.documents[0];
    let (quote, actor) = (doc.spans()[1].id, doc.spans()[0].id);
    let edit = doc.add_link_edit(quote, actor, "said_by");
    doc.apply(edit, &project.schema).expect("a valid link");
    assert!(run(&project, &[Rule::Speakers]).is_empty());
}

#[test]
fn a_quote_split_around_she_said_continues() {
    let project = project(
        "“We will not give up,” she said, “not now and not ever.”",
        &[
            ("“We will not give up,”", "quote"),
            ("“not now and not ever.”", "quote"),
        ],
    );
    assert_eq!(
        link_texts(&project, &run(&project, &[Rule::Speakers])),
        [(
            "“not now and not ever.”".to_owned(),
            "“We will not give up,”".to_owned(),
            "continues".to_owned()
        )]
    );
}

#[test]
fn a_split_quote_with_a_named_speaker_gets_both_links() {
    let project = project(
        "“We are ready,” Peskov said. “We can meet tomorrow.”",
        &[
            ("“We are ready,”", "quote"),
            ("Peskov", "actor"),
            ("“We can meet tomorrow.”", "quote"),
        ],
    );
    let links = link_texts(&project, &run(&project, &[Rule::Speakers]));
    assert!(links.contains(&(
        "“We are ready,”".to_owned(),
        "Peskov".to_owned(),
        "said_by".to_owned()
    )));
    assert!(links.contains(&(
        "“We can meet tomorrow.”".to_owned(),
        "“We are ready,”".to_owned(),
        "continues".to_owned()
    )));
}

#[test]
fn two_quotes_in_two_sentences_are_not_one_split_quote() {
    let project = project(
        "“We are ready.” Peskov said nothing else. “Tomorrow.”",
        &[("“We are ready.”", "quote"), ("“Tomorrow.”", "quote")],
    );
    let links = link_texts(&project, &run(&project, &[Rule::Speakers]));
    assert!(links.iter().all(|l| l.2 != "continues"), "{links:?}");
}

#[test]
fn speakers_link_to_quotations_and_names_found_in_the_same_run() {
    let project = project(
        "Peskov said: “We are ready.” Later Peskov said: “We wait.”",
        &[("Peskov", "actor"), ("“We are ready.”", "quote")],
    );
    let suggestions = run(&project, &Rule::ALL);
    let links = link_texts(&project, &suggestions);
    assert_eq!(links.len(), 2, "{links:?}");
    // The second quote and the second Peskov are suggested too, and applying all of it
    // links them.
    let mut doc = project.documents[0].clone();
    let applied =
        apply_edit(&mut doc, &project.schema, &suggestions, &Rule::ALL).expect("ends suggested");
    doc.apply(applied.edit, &project.schema)
        .expect("a valid batch");
    assert_eq!(doc.spans().len(), 4);
    assert_eq!(doc.links().len(), 2);
}

#[test]
fn names_are_found_as_whole_words_with_their_case() {
    let project = project(
        "Putin met Witkoff. Putinism is not Putin's only idea; putin is not a name. Putin again.",
        &[("Putin", "actor")],
    );
    let suggestions = run(&project, &[Rule::Names]);
    let doc = &project.documents[0];
    let places: Vec<(usize, &str)> = suggestions
        .iter()
        .filter_map(|s| match &s.proposal {
            Proposal::Span(key) => Some((key.start, key.label.as_str())),
            Proposal::Link { .. } => None,
        })
        .collect();
    let text = doc.text();
    let expected: Vec<(usize, &str)> = [
        text.find("Putin's").expect("in the text"),
        text.find("Putin again").expect("in the text"),
    ]
    .into_iter()
    .map(|at| (at, "actor"))
    .collect();
    assert_eq!(places, expected);
}

#[test]
fn names_come_from_every_document_and_prefer_the_longest() {
    let mut project = project("Vladimir Putin spoke.", &[("Vladimir Putin", "actor")]);
    let mut other = Document::new(
        "other",
        "Other",
        "Moscow said Vladimir Putin will go to Moscow.",
    );
    let (start, end) = find(&other, "Moscow");
    let edit = other.add_span_edit(start, end, "location");
    other.apply(edit, &project.schema).expect("valid");
    project.documents.push(other);
    let suggestions = suggest(&project, 1, &Config::with_rules(&[Rule::Names])).expect("doc 1");
    let doc = &project.documents[1];
    let texts: Vec<(String, String)> = suggestions
        .iter()
        .filter_map(|s| match &s.proposal {
            Proposal::Span(key) => Some((
                doc.slice(key.start, key.end).unwrap_or("?").to_owned(),
                key.label.clone(),
            )),
            Proposal::Link { .. } => None,
        })
        .collect();
    assert_eq!(
        texts,
        [
            ("Vladimir Putin".to_owned(), "actor".to_owned()),
            ("Moscow".to_owned(), "location".to_owned())
        ]
    );
}

#[test]
fn a_name_over_a_span_of_its_label_is_not_suggested() {
    let project = project(
        "President Donald Trump met Trump.",
        &[("President Donald Trump", "actor"), ("met Trump", "claim")],
    );
    let mut project = project;
    // "Trump" becomes a name of the project through another document.
    let mut other = Document::new("other", "Other", "Trump spoke.");
    let edit = other.add_span_edit(0, 5, "actor");
    other.apply(edit, &project.schema).expect("valid");
    project.documents.push(other);
    // Inside "President Donald Trump" it overlaps an actor: only the second one, which
    // overlaps a claim (another label), is suggested.
    let suggestions = run(&project, &[Rule::Names]);
    let doc = &project.documents[0];
    let at = doc.text().rfind("Trump").expect("in the text");
    assert_eq!(
        suggestions
            .iter()
            .map(|s| s.proposal.range())
            .collect::<Vec<_>>(),
        [(at, at + 5)]
    );
}

#[test]
fn rejected_suggestions_are_not_proposed_again() {
    let mut project = project("He said \"yes\" and \"no\".", &[]);
    let schema = project.schema.clone();
    let suggestions = run(&project, &[Rule::Quotes]);
    assert_eq!(suggestions.len(), 2);
    let doc = &mut project.documents[0];
    let edit = pending_edit(doc, &suggestions);
    doc.apply(edit, &schema).expect("valid candidates");
    // Both are open candidates now: nothing new to suggest.
    assert!(run(&project, &[Rule::Quotes]).is_empty());
    let doc = &mut project.documents[0];
    let first = doc.candidates()[0].id;
    let edit = doc.reject_candidate_edit(first).expect("pending");
    doc.apply(edit, &schema).expect("valid");
    // Remove the other candidate altogether: it is proposed again; the rejected one not.
    let second = doc.candidates()[1].id;
    let edit = doc.remove_candidate_edit(second).expect("exists");
    doc.apply(edit, &schema).expect("valid");
    assert_eq!(doc.candidates()[0].decision, Decision::Rejected);
    let again = run(&project, &[Rule::Quotes]);
    assert_eq!(span_texts(&project, &again), ["\"no\""]);
    assert_eq!(again[0].origin(), Origin::Rule("quotes".to_owned()));
}

#[test]
fn accepting_a_pending_suggestion_adds_the_span_and_undo_takes_it_back() {
    let mut project = project("He said \"yes\".", &[]);
    let schema = project.schema.clone();
    let suggestions = run(&project, &[Rule::Quotes]);
    let doc = &mut project.documents[0];
    let edit = pending_edit(doc, &suggestions);
    doc.apply(edit, &schema).expect("valid");
    let id = doc.candidates()[0].id;
    let edit = doc.accept_candidate_edit(id, &schema).expect("pending");
    let undo = doc.apply(edit, &schema).expect("valid");
    assert_eq!(doc.spans().len(), 1);
    doc.apply(undo, &schema).expect("undoable");
    assert!(doc.spans().is_empty());
}

#[test]
fn offsets_are_code_points() {
    let project = project(
        "😀 Zelensky: «\u{202f}Nous tiendrons\u{202f}» 😀 Zelensky.",
        &[("Zelensky", "actor")],
    );
    let suggestions = run(&project, &[Rule::Quotes, Rule::Names]);
    assert_eq!(
        span_texts(&project, &suggestions),
        ["«\u{202f}Nous tiendrons\u{202f}»", "Zelensky"]
    );
}

#[test]
fn inconsistencies_list_the_same_text_under_two_labels() {
    let mut project = project("The Kremlin said no.", &[("Kremlin", "actor")]);
    let mut other = Document::new("other", "Other", "They met at the Kremlin.");
    let (start, end) = find(&other, "Kremlin");
    let edit = other.add_span_edit(start, end, "location");
    other.apply(edit, &project.schema).expect("valid");
    project.documents.push(other);
    let found = inconsistencies(&project);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].text, "Kremlin");
    let labels: Vec<&str> = found[0].labels.iter().map(|u| u.label.as_str()).collect();
    assert_eq!(labels, ["location", "actor"]);
    assert_eq!(found[0].labels[0].places[0].document, 1);
    assert_eq!(found[0].labels[1].places[0].document, 0);
}

#[test]
fn an_unknown_document_is_an_error() {
    let project = project("Text.", &[]);
    assert_eq!(
        suggest(&project, 3, &Config::default()),
        Err(SuggestError::NoSuchDocument { index: 3, count: 1 })
    );
}

/// The bundled sample article: every quotation it holds (read by hand: seven, one of
/// them inside a paraphrase) is found in the bare text, and in the annotated sample
/// every one is covered by a quote span already, so none is suggested again.
#[test]
fn the_sample_article_quotations_are_all_found() {
    let text = include_str!("../../assets/articles/putin-way-out-ukraine-war.txt");
    let expected = [
        "\"reasonably good\"",
        "\"very good,\"",
        "\"it does take two to tango.\"",
        "\"would like to end the war.\"",
        "\"pretty well\"",
        "\"as many times as needed.\"",
        "\"The world now clearly feels that there is an opportunity to end the war, and the \
         current activity in negotiations must be supported by pressure on Russia,\"",
    ];
    assert_eq!(quotes_in(text), expected);
    let sample = crate::store::from_bytes(
        include_bytes!("../../saves/sample.ron"),
        std::path::Path::new("saves/sample.ron"),
    )
    .expect("the sample loads");
    let suggestions = suggest(&sample, 0, &Config::with_rules(&[Rule::Quotes])).expect("doc");
    assert!(suggestions.is_empty(), "{suggestions:?}");
}

#[test]
fn he_said_follows_the_speaker_before_it_in_the_paragraph() {
    let project = project(
        "Zelensky said “peace is near.” “We must keep the pressure,” he said.",
        &[
            ("Zelensky", "actor"),
            ("“peace is near.”", "quote"),
            ("“We must keep the pressure,”", "quote"),
        ],
    );
    let links = link_texts(&project, &run(&project, &[Rule::Speakers]));
    let speakers: Vec<&str> = links.iter().map(|l| l.1.as_str()).collect();
    assert_eq!(speakers, ["Zelensky", "Zelensky"], "{links:?}");
    // Not across paragraphs.
    let project = self::project(
        "Zelensky said “peace is near.”\n“We must keep the pressure,” he said.",
        &[
            ("Zelensky", "actor"),
            ("“peace is near.”", "quote"),
            ("“We must keep the pressure,”", "quote"),
        ],
    );
    assert_eq!(
        link_texts(&project, &run(&project, &[Rule::Speakers])).len(),
        1
    );
}

/// The sample with its links taken away: every `said_by` suggested is one the sample's
/// annotator made (no wrong speaker), and most are found (12 of 23 by hand: the others
/// need "he" resolved across sentences without a speaker before it, or are paraphrases
/// with no reporting verb next to them).
#[test]
fn the_sample_speakers_suggested_are_the_annotators_links() {
    let mut sample = crate::store::from_bytes(
        include_bytes!("../../saves/sample.ron"),
        std::path::Path::new("saves/sample.ron"),
    )
    .expect("the sample loads");
    let schema = sample.schema.clone();
    let doc = &mut sample.documents[0];
    let links: Vec<(SpanKey, SpanKey, String)> = doc
        .links()
        .iter()
        .map(|l| {
            let key = |id| SpanKey::of(doc.span(id).expect("a link's span"));
            (key(l.from), key(l.to), l.link_type.clone())
        })
        .collect();
    let ids: Vec<_> = doc.links().iter().map(|l| l.id).collect();
    for id in ids {
        let edit = doc.remove_link_edit(id).expect("the link exists");
        doc.apply(edit, &schema).expect("removable");
    }
    let suggestions =
        suggest(&sample, 0, &Config::with_rules(&[Rule::Speakers])).expect("document 0");
    let suggested: Vec<(SpanKey, SpanKey, String)> = suggestions
        .into_iter()
        .filter_map(|s| match s.proposal {
            Proposal::Link {
                from,
                to,
                link_type,
            } => Some((from, to, link_type)),
            Proposal::Span(_) => None,
        })
        .collect();
    for link in &suggested {
        assert!(links.contains(link), "not the annotator's: {link:?}");
    }
    assert!(suggested.len() >= 12, "only {} found", suggested.len());
}

#[test]
fn no_link_is_proposed_to_a_rejected_span() {
    let mut project = project("Peskov said: “We are ready.”", &[("Peskov", "actor")]);
    let schema = project.schema.clone();
    let quote = run(&project, &[Rule::Quotes]);
    assert_eq!(quote.len(), 1);
    let doc = &mut project.documents[0];
    let edit = pending_edit(doc, &quote);
    doc.apply(edit, &schema).expect("valid");
    let id = doc.candidates()[0].id;
    let edit = doc.reject_candidate_edit(id).expect("pending");
    doc.apply(edit, &schema).expect("valid");
    // Neither the quotation nor a speaker for it: applying everything left works.
    let suggestions = run(&project, &Rule::ALL);
    assert!(suggestions.is_empty(), "{suggestions:?}");
}

/// Two quotes, one tied by "said" and one by "whispered", each with its own speaker.
fn said_and_whispered() -> Project {
    project(
        "“We are ready,” Peskov said. \n“Not yet,” whispered Ushakov.",
        &[
            ("“We are ready,”", "quote"),
            ("Peskov", "actor"),
            ("“Not yet,”", "quote"),
            ("Ushakov", "actor"),
        ],
    )
}

fn speakers_for_project(project: &Project) -> Vec<(String, String, String)> {
    let config = Config {
        rules: vec![Rule::Speakers],
        ..Config::for_project(project)
    };
    link_texts(project, &suggest(project, 0, &config).expect("document 0"))
}

#[test]
fn a_project_without_its_own_verbs_uses_the_built_in_ones() {
    let project = said_and_whispered();
    assert_eq!(Config::for_project(&project).verbs, built_in_verbs());
    let links = speakers_for_project(&project);
    assert_eq!(
        links,
        [(
            "“We are ready,”".to_owned(),
            "Peskov".to_owned(),
            "said_by".to_owned()
        )],
        "\"whispered\" is not built in"
    );
}

#[test]
fn the_projects_own_verbs_replace_the_built_in_ones() {
    let mut project = said_and_whispered();
    project.reporting_verbs = Some(vec!["whispered".into(), "according to".into()]);
    assert_eq!(
        speakers_for_project(&project),
        [(
            "“Not yet,”".to_owned(),
            "Ushakov".to_owned(),
            "said_by".to_owned()
        )],
        "the whispered speaker, and not the one who said it"
    );
    // A verb of several words still names the speaker after it.
    let mut claim = project_of_claim();
    claim.reporting_verbs = Some(vec!["whispered".into(), "according to".into()]);
    assert_eq!(speakers_for_project(&claim).len(), 1);
    claim.reporting_verbs = Some(vec!["whispered".into()]);
    assert!(speakers_for_project(&claim).is_empty());
}

fn project_of_claim() -> Project {
    project(
        "Ukraine supports the plan, according to Trump.",
        &[("Ukraine supports the plan", "claim"), ("Trump", "actor")],
    )
}

#[test]
fn an_empty_list_of_verbs_suggests_no_speaker_but_still_quotes_and_names() {
    let mut two = said_and_whispered();
    two.reporting_verbs = Some(Vec::new());
    assert!(speakers_for_project(&two).is_empty());
    // Nor a `continues` link: a split quote is told by its verb too.
    let mut split = project_of_split();
    assert_eq!(speakers_for_project(&split).len(), 1);
    split.reporting_verbs = Some(Vec::new());
    assert!(speakers_for_project(&split).is_empty());
    // The other rules do not depend on the verbs.
    let mut fresh = project("“Yes,” said Trump. Trump left.", &[("Trump", "actor")]);
    let all = suggest(&fresh, 0, &Config::for_project(&fresh)).expect("document 0");
    assert_eq!(
        link_texts(&fresh, &all).len(),
        1,
        "built in, “said” ties Trump"
    );
    fresh.reporting_verbs = Some(Vec::new());
    let all = suggest(&fresh, 0, &Config::for_project(&fresh)).expect("document 0");
    assert_eq!(span_texts(&fresh, &all), ["“Yes,”", "Trump"]);
    assert!(link_texts(&fresh, &all).is_empty());
}

fn project_of_split() -> Project {
    project(
        "“We will not give up,” she said, “not now and not ever.”",
        &[
            ("“We will not give up,”", "quote"),
            ("“not now and not ever.”", "quote"),
        ],
    )
}

#[test]
fn speakers_alone_list_and_apply_the_quotations_their_links_need() {
    let project = project(
        "Peskov said: “We are ready.” The weather was “fine”.",
        &[("Peskov", "actor")],
    );
    let suggestions = run(&project, &[Rule::Speakers]);
    // The link and its quotation (under its own rule); not the unattributed "fine".
    assert_eq!(span_texts(&project, &suggestions), ["“We are ready.”"]);
    assert_eq!(suggestions[0].rule, Rule::Quotes);
    assert_eq!(link_texts(&project, &suggestions).len(), 1);
    let mut doc = project.documents[0].clone();
    let applied = apply_edit(&mut doc, &project.schema, &suggestions, &[Rule::Speakers])
        .expect("the end is listed");
    assert_eq!(applied.for_links, [("quote".to_owned(), 1)]);
    doc.apply(applied.edit, &project.schema).expect("valid");
    assert_eq!((doc.spans().len(), doc.links().len()), (2, 1));
}

#[test]
fn applying_takes_in_pending_candidates_of_the_rules_and_keeps_rejections() {
    let mut project = project(
        "Peskov said: “We are ready.” He said \"no\".",
        &[("Peskov", "actor")],
    );
    let schema = project.schema.clone();
    let suggestions = run(&project, &Rule::ALL);
    let doc = &mut project.documents[0];
    let edit = pending_edit(doc, &suggestions);
    doc.apply(edit, &schema).expect("valid");
    // Reject the quotation "no"; the rest stays pending, as a window saves it.
    let no = doc
        .candidates()
        .iter()
        .find(|c| c.proposal.range().0 > 30 && matches!(c.proposal, Proposal::Span(_)))
        .expect("the second quotation")
        .id;
    let edit = doc.reject_candidate_edit(no).expect("pending");
    doc.apply(edit, &schema).expect("valid");
    assert!(run(&project, &[Rule::Speakers]).is_empty(), "nothing new");
    // Applying the speakers takes in the pending link and the quotation it needs.
    let mut doc = project.documents[0].clone();
    let applied = apply_edit(&mut doc, &schema, &[], &[Rule::Speakers]).expect("valid");
    assert_eq!(applied.candidates, 2);
    assert!(applied.left.is_empty(), "{:?}", applied.left);
    doc.apply(applied.edit, &schema).expect("valid");
    assert_eq!((doc.spans().len(), doc.links().len()), (2, 1));
    assert_eq!(
        doc.candidate(no).map(|c| c.decision),
        Some(Decision::Rejected)
    );
    assert_eq!(doc.open_candidate_count(), 0);
}

#[test]
fn a_new_link_to_a_pending_quotation_accepts_it_when_applied() {
    let mut project = project("Peskov said: “We are ready.”", &[("Peskov", "actor")]);
    let schema = project.schema.clone();
    let quotes = run(&project, &[Rule::Quotes]);
    let doc = &mut project.documents[0];
    let edit = pending_edit(doc, &quotes);
    doc.apply(edit, &schema).expect("valid");
    // The quotation is pending; the speakers rule links it all the same.
    let links = run(&project, &[Rule::Speakers]);
    assert_eq!(link_texts(&project, &links).len(), 1, "{links:?}");
    assert!(span_texts(&project, &links).is_empty());
    let mut doc = project.documents[0].clone();
    let applied = apply_edit(&mut doc, &schema, &links, &[Rule::Speakers]).expect("valid");
    doc.apply(applied.edit, &schema).expect("valid");
    assert_eq!((doc.spans().len(), doc.links().len()), (2, 1));
    assert_eq!(doc.open_candidate_count(), 0);
}

#[test]
fn suggesting_for_every_document_at_once_gives_what_each_alone_gives() {
    let mut project = project(
        "“We are ready,” Dmitry Peskov said in Moscow.",
        &[("Dmitry Peskov", "actor"), ("Moscow", "location")],
    );
    for (n, text) in [
        "Later Dmitry Peskov met reporters in Moscow.",
        "Nothing here.",
        "“No,” said Dmitry Peskov.",
    ]
    .into_iter()
    .enumerate()
    {
        project
            .documents
            .push(Document::new(format!("d{n}"), "D", text));
    }
    let config = Config::default();
    let all = suggest_all(&project, &config).expect("suggested");
    let one_by_one: Vec<(usize, Vec<Suggestion>)> = (0..project.documents.len())
        .map(|i| (i, suggest(&project, i, &config).expect("suggested")))
        .filter(|(_, s)| !s.is_empty())
        .collect();
    assert_eq!(all, one_by_one);
    let documents: Vec<usize> = all.iter().map(|(i, _)| *i).collect();
    assert_eq!(
        documents,
        [0, 1, 3],
        "the document with nothing is left out"
    );
}

#[test]
fn quotes_joined_by_and_share_the_speaker_of_the_first() {
    let project = project(
        "Merkel said “no” and “yes” to the plan. Then “maybe”, Scholz said.",
        &[
            ("Merkel", "actor"),
            ("Scholz", "actor"),
            ("“no”", "quote"),
            ("“yes”", "quote"),
            ("“maybe”", "quote"),
        ],
    );
    let links = link_texts(&project, &run(&project, &[Rule::Speakers]));
    assert!(
        links.contains(&("“no”".into(), "Merkel".into(), "said_by".into())),
        "{links:?}"
    );
    assert!(
        links.contains(&("“yes”".into(), "Merkel".into(), "said_by".into())),
        "{links:?}"
    );
    assert!(
        links.contains(&("“maybe”".into(), "Scholz".into(), "said_by".into())),
        "a quote in another sentence is not joined: {links:?}"
    );
}
