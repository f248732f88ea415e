"""Mentions: kinds of error seen on unlabelled text, each checked on sentences written here for it (never copied
from an article), with what must not be found beside what must. Issue 15 point 4."""
from __future__ import annotations

import pytest

from kcna_etl.transforms.mentions import mentions


def spans(body, lex, type_=None):
    out = mentions(body, lex)
    for m in out:
        assert body[m.start:m.end] == m.surface
    return [(m.type, m.surface) for m in out if type_ in (None, m.type)]


def named(body, lex, type_):
    return [(m.surface, m.entity) for m in mentions(body, lex) if m.type == type_]


# An organ of an abbreviated organ (`… of the C.C., the X`) is one organisation down to X: the words before
# `C.C.` are no organisation cut there, and X is not read alone.
@pytest.mark.parametrize("body, surface, entity", [
    ("Nguyen Van An, member of the Political Bureau of the C.C., the Communist Party of Vietnam, spoke.",
     "Political Bureau of the C.C., the Communist Party of Vietnam",
     "Political Bureau of the Central Committee of the Communist Party of Viet Nam"),
    ("A message went to Bounnhang, member of the Presidium of the Political Bureau of the C.C., the Lao People's "
     "Revolutionary Party, on Monday.",
     "Presidium of the Political Bureau of the C.C., the Lao People's Revolutionary Party",
     "Presidium of the Political Bureau of the Central Committee of the Lao People's Revolutionary Party"),
    ("Wang Hu, member of the Standing Committee of the Political Bureau of the C.C., the Communist Party of China "
     "and premier, arrived.",
     "Standing Committee of the Political Bureau of the C.C., the Communist Party of China",
     "Standing Committee of the Political Bureau of the Central Committee of the Communist Party of China"),
])
def test_an_organ_of_an_abbreviated_organ_is_one_organisation(lex, body, surface, entity):
    orgs = named(body, lex, "organization")
    assert orgs == [(surface, entity)]


def test_an_abbreviated_organ_alone_is_still_its_own_organisation(lex):
    # negative: nothing before `C.C.` to join, and an organ before `of the` that is no organ of the committee
    body = "Greetings went to the C.C., the Communist Party of Vietnam and to the delegation of the C.C., the CPC."
    assert [s for _, s in spans(body, lex, "organization")] == [
        "C.C., the Communist Party of Vietnam", "C.C., the CPC"]


# The day of the week written right after a name (`… Friday sent`) is no part of it.
@pytest.mark.parametrize("body, want", [
    ("A delegation of the Central Committee of the Communist Party of Cuba Friday laid a wreath.",
     [("organization", "Central Committee of the Communist Party of Cuba")]),
    ("The Ministry of Land and Environment Protection Monday issued a notice.",
     [("organization", "Ministry of Land and Environment Protection")]),
    ("The International Department of the Central Committee of the Workers' Party of Korea Saturday gave a dinner.",
     [("organization", "International Department of the Central Committee of the Workers' Party of Korea")]),
])
def test_a_weekday_after_a_name_is_no_part_of_it(lex, body, want):
    assert spans(body, lex) == want


def test_a_weekday_ends_no_tail_where_none_follows(lex):
    # negative: without a weekday the whole tail stays
    body = "The Institute of History of the Academy of Social Sciences published a book."
    assert spans(body, lex) == [("organization", "Institute of History of the Academy of Social Sciences")]


# A body named inside the tail of another opens its own `for` tail: the name runs on through it. After any other
# word `for` ends the name (what the body did something for is no part of it).
@pytest.mark.parametrize("body, want", [
    ("Ms Ito, secretary of the National Liaison Council of Societies for the Study of the Juche Idea, came.",
     [("person", "Ito"), ("organization", "National Liaison Council of Societies for the Study of the Juche Idea")]),
    ("A branch of the Federation of Unions for the Defence of Peace met in Oslo.",
     [("organization", "Federation of Unions for the Defence of Peace"), ("place", "Oslo")]),
])
def test_a_body_in_a_tail_opens_its_own_for_tail(lex, body, want):
    assert spans(body, lex) == want


@pytest.mark.parametrize("body, want", [
    ("The Ministry of Culture for the Victory Day prepared shows.", ["Ministry of Culture"]),
    ("The Union of Agricultural Workers of Korea for the Day of the Sun met.", ["Union of Agricultural Workers of Korea"]),
    ("He thanked the Embassy of Nigeria for the Republic's gift.", ["Embassy of Nigeria"]),
])
def test_for_after_any_other_word_ends_the_name(lex, body, want):
    assert [s for _, s in spans(body, lex, "organization")] == want


# Older texts write the organs of a body in lower case: a presidium or secretariat of an organisation found is one
# organisation with it, with no modifier before it; alone it stays a common noun.
@pytest.mark.parametrize("body, surface, entity", [
    ("Ri Jong Ok, vice-president of the presidium of the Supreme People's Assembly, left.",
     "presidium of the Supreme People's Assembly", "Presidium of the Supreme People's Assembly"),
    ("The secretariat of the Central Committee of the Communist Party of Cuba sent it.",
     "secretariat of the Central Committee of the Communist Party of Cuba",
     "Secretariat of the Central Committee of the Communist Party of Cuba"),
])
def test_a_lower_case_presidium_of_an_organisation_is_one_organisation(lex, body, surface, entity):
    assert named(body, lex, "organization") == [(surface, entity)]


def test_a_lower_case_presidium_alone_or_of_no_organisation_is_none(lex):
    body = "The presidium decided it. The presidium of the meeting sat on the platform, and the secretariat agreed."
    assert spans(body, lex, "organization") == []


# `Vice` opens a title (`Vice Department Director`), never a name: it is dropped from the front of one, and a head
# left alone is no name.
def test_vice_opens_no_name(lex):
    body = ("Pak Sang Gil, Vice Department Director of the WPK Central Committee, met the Vice Chairman of the Korean "
            "Democratic Lawyers Association.")
    assert spans(body, lex, "organization") == [
        ("organization", "WPK Central Committee"), ("organization", "Korean Democratic Lawyers Association")]


# Heads of landforms (`Plateau`, `Highlands`, `Cave`, `Waterfall`) make places like `Mountain` and `River`; `Hill`
# is none, being a surname too often (`Christopher Hill`).
def test_landform_heads_make_places_and_hill_is_no_head(lex):
    body = ("Tourists saw the Kaema Plateau, the Pujon Highlands, the Ryongmun Cave and the Ullim Waterfall. "
            "Christopher Hill, assistant secretary of State, said so.")
    assert spans(body, lex) == [("place", "Kaema Plateau"), ("place", "Pujon Highlands"), ("place", "Ryongmun Cave"),
                                ("place", "Ullim Waterfall"), ("person", "Christopher Hill")]


# A party's faction in brackets is part of its name, also a hyphenated one, also when the party ends an organ's tail.
@pytest.mark.parametrize("body, want", [
    ("The general secretary of the Central Committee of the Nepal Communist Party (Marxist-Leninist) spoke.",
     ["Central Committee of the Nepal Communist Party (Marxist-Leninist)"]),
    ("Leaders of the Peru Communist Party (Red Fatherland) and of the Workers Party (Marxist-Leninist) met.",
     ["Peru Communist Party (Red Fatherland)", "Workers Party (Marxist-Leninist)"]),
])
def test_a_partys_faction_in_brackets_also_hyphenated_and_in_a_tail(lex, body, want):
    assert [s for _, s in spans(body, lex, "organization")] == want


def test_brackets_after_a_party_that_hold_no_faction_stay_out(lex):
    # negative: an acronym and a number in brackets are no faction
    body = "The Workers' Party of Korea (WPK) and the Peru Communist Party (1928) grew."
    assert [s for _, s in spans(body, lex, "organization")] == [
        "Workers' Party of Korea", "WPK", "Peru Communist Party"]


# `Alliance` is a head of organisations like `League` and `Union`.
def test_an_alliance_is_an_organisation(lex):
    body = "The chairman of the International Alliance of Societies for the Study of the Songun Policy came."
    assert spans(body, lex) == [
        ("organization", "International Alliance of Societies for the Study of the Songun Policy")]


# A monument or memorial is named by what it stands for after `to`, even with no word before its head; the name
# stops at the end of the sentence (`War.`), and a mission alone before `to` is still a common noun.
@pytest.mark.parametrize("body, want", [
    ("Wreaths were laid at the Monument to Party Founding.", [("place", "Monument to Party Founding")]),
    ("They bowed before the Monument to the Victorious Fatherland Liberation War. Then they left.",
     [("place", "Monument to the Victorious Fatherland Liberation War")]),
    ("A delegation visited the Memorial to the Soviet Soldiers in Moranbong District.",
     [("place", "Memorial to the Soviet Soldiers"), ("place", "Moranbong District")]),
    ("The Permanent Mission of the DPRK to the U.S. said so.",
     [("organization", "Permanent Mission of the DPRK to the U.S.")]),
    ("The Mission to the United Nations replied, and a monument to the martyrs stood.",
     [("organization", "United Nations")]),
])
def test_a_monument_is_named_with_what_it_stands_for(lex, body, want):
    assert spans(body, lex) == want


# Sites named in the plural (`Kaesong Walls`, `Koguryo Tombs`, `Phyochung Monuments`) and old sites (`Temple`,
# `Fort`, `Fortress`, `Castle`) are places, not the place their first word names.
def test_plural_and_old_sites_are_places(lex):
    body = ("Tourists saw the Kaesong Walls, the Koguryo Tombs, the Pohyon Temple, Hwang Fort and the Paengma "
            "Fortress near Kaesong.")
    assert spans(body, lex) == [("place", "Kaesong Walls"), ("place", "Koguryo Tombs"), ("place", "Pohyon Temple"),
                                ("place", "Hwang Fort"), ("place", "Paengma Fortress"), ("place", "Kaesong")]


# Bodies named after a day (`the April 25 Sports Team`) keep the day in their name; a date that only says when
# something happened stays out (`On May 5 …`).
@pytest.mark.parametrize("body, want", [
    ("Players of the April 25 Players Team and the June 9 Secondary School met.",
     ["April 25 Players Team", "June 9 Secondary School"]),
    ("On May 5 Pyongyang Sports Team won, and by April 15 the Ryomyong Sports Team had.",
     ["Pyongyang Sports Team", "Ryomyong Sports Team"]),
])
def test_a_body_named_after_a_day_keeps_it(lex, body, want):
    assert [s for _, s in spans(body, lex, "organization")] == want


# Legislatures named `Duma` and `Senate` are organisations like a `Parliament`; `Congress` is no head, being
# mostly a meeting (`the 8th Congress of the WPK`).
def test_legislatures_are_organisations_and_a_congress_is_no_head(lex):
    body = "A deputy to the Moscow City Duma met a member of the Philippine Senate at the 8th Congress of the WPK."
    assert spans(body, lex, "organization") == [
        ("organization", "Moscow City Duma"), ("organization", "Philippine Senate"), ("organization", "WPK")]


# Institutions the guidelines count as organisations (schools, hospitals, enterprises, troupes) under heads that
# were missing: found whole, so the city that opens their name is no place of its own.
def test_institutions_under_more_heads_are_organisations_not_their_city(lex):
    body = ("Children of the Kyongsang Kindergarten and the Pyongyang Baby Home, patients of the Kangso Sanatorium and "
            "the Taedongmun Clinic, artists of the Korean Film Studio and the Pyongyang Circus, and researchers of the "
            "Paeksan Research Laboratory visited the Pyongyang Children's Department Store.")
    assert spans(body, lex) == [("organization", s) for s in (
        "Kyongsang Kindergarten", "Pyongyang Baby Home", "Kangso Sanatorium", "Taedongmun Clinic",
        "Korean Film Studio", "Pyongyang Circus", "Paeksan Research Laboratory",
        "Pyongyang Children's Department Store")]


# Two places each `of` its province, coordinated, are four places: a place's tail does not go on past an `and`
# to another head; `and` inside one name still joins it.
def test_coordinated_places_of_provinces_are_apart(lex):
    body = ("Farmers in Onchon County of South Phyongan Province and Thaechon County of North Phyongan Province and "
            "students of the University of Music and Dance met.")
    assert spans(body, lex) == [
        ("place", "Onchon County"), ("place", "South Phyongan Province"), ("place", "Thaechon County"),
        ("place", "North Phyongan Province"), ("organization", "University of Music and Dance")]


# A long title of a speech or an article in quotation marks, in title case, is a title of work: no name inside it
# (`Capital City`, `Hwasong Area` are words of the title); a long quotation in ordinary case is no title.
def test_a_long_title_in_quotes_holds_no_names_and_a_long_quotation_does(lex):
    body = ("He made a speech \u201cLet Us Glorify the New Era of Capital City Construction by Bringing About a Great "
            "Change in the Hwasong Area and Other Districts\u201d in Pyongyang. He said \u201cThe workers of Sunchon "
            "City and of Kangso District have done well in the past year and will do better\u201d.")
    assert spans(body, lex) == [("place", "Pyongyang"), ("place", "Sunchon City"), ("place", "Kangso District")]


# An ordinal written out before a name stays out of it, as the guidelines say for `8th` (`the Eighth Central
# Committee of the WPK` -> `Central Committee of the WPK`); what is left may be a common noun (`Party Congress`).
def test_an_ordinal_written_out_stays_out_of_a_name(lex):
    body = ("The Eighth Party Congress and the Third Plenary Meeting of the Eighth Central Committee of the Workers' "
            "Party of Korea were held. The Ninth Party Central Committee decided.")
    assert spans(body, lex, "organization") == [
        ("organization", "Central Committee of the Workers' Party of Korea")]


# `and` joins two words into one organisation's name (`Song and Dance Ensemble`), never two names: not when the
# word after it is a head (`General Staff and Ministry of National Defence`).
def test_and_before_a_head_coordinates_two_names(lex):
    body = ("Officers of the General Staff and Ministry of National Defence met artists of the Song and Dance "
            "Ensemble and the Research and Development Institute.")
    assert [s for _, s in spans(body, lex, "organization")] == [
        "Ministry of National Defence", "Song and Dance Ensemble", "Research and Development Institute"]


# A place in no list may have four words before its head; the first is not lost to a place of its own.
def test_a_place_may_have_four_words_before_its_head(lex):
    body = "He inspected the Pothong Riverside Terraced Residential District in Kyongru-dong."
    assert spans(body, lex) == [("place", "Pothong Riverside Terraced Residential District"), ("place", "Kyongru-dong")]


# A branch of a body is an organisation with the body in its tail; the place opening it is no place of its own.
def test_a_branch_is_an_organisation(lex):
    body = "He visited the Hoeryong Branch of the Central Bank and the Japan Branch of the Korean Friendship Association."
    assert spans(body, lex) == [("organization", "Hoeryong Branch of the Central Bank"),
                                ("organization", "Japan Branch of the Korean Friendship Association")]


# Some scraped copies glue a leader's name to the words around it (`ComradeKim Jong Unvisited`): the known name is
# read inside the glued words, and the words around are no part of a name by shape (`Hwaphyong County` alone).
@pytest.mark.parametrize("body, want", [
    ("The respected ComradeKim Jong Unvisited the Kangdong Greenhouse Farm.",
     [("person", "Kim Jong Un"), ("organization", "Kangdong Greenhouse Farm")]),
    ("In 1999, ChairmanKim Jong Ilvisited Hwaphyong County in Jagang Province.",
     [("person", "Kim Jong Il"), ("place", "Hwaphyong County"), ("place", "Jagang Province")]),
    ("The soldiers reported toKim Jong Unthat the task was done, praising PresidentKim Il Sungfor it.",
     [("person", "Kim Jong Un"), ("person", "Kim Il Sung")]),
])
def test_a_known_name_glued_to_the_words_around_it_is_read(lex, body, want):
    assert spans(body, lex) == want


def test_glued_words_that_hold_no_known_name_give_no_person(lex):
    # negative: a glued capital with no known person after it is read as before
    body = "The delegation ofRussia and the McDonald family visited Pyongyang."
    assert spans(body, lex) == [("place", "Russia"), ("place", "Pyongyang")]


# A head followed right away by another capitalised word that is no title, head, surname or weekday does not end a
# name: the name goes on past it, into something no head makes (an event, a bell, a title of a work).
@pytest.mark.parametrize("body, want", [
    ("The 2024 National University Students' Sports Games opened in Pyongyang.", [("place", "Pyongyang")]),
    ("He saw the Yonbok Temple Bell in the Nam Gate.", [("place", "Nam Gate")]),
    # not after a title, a weekday or another head
    ("The Kim Chaek University of Technology President Ri spoke; the Kosan County Monday reported; the Sangwon "
     "Cement Complex Party Committee met.",
     [("organization", "Kim Chaek University of Technology"), ("place", "Kosan County"),
      ("organization", "Sangwon Cement Complex Party Committee")]),
])
def test_a_head_with_a_capitalised_word_after_it_ends_no_name(lex, body, want):
    assert spans(body, lex) == want


# A dockyard is an organisation like a shipyard; a municipality is a place like a city, the city's name inside it
# no place of its own.
def test_a_dockyard_and_a_municipality(lex):
    body = "The premier inspected the Sinuiju Dockyard and units in Manpho Municipality."
    assert spans(body, lex) == [("organization", "Sinuiju Dockyard"), ("place", "Manpho Municipality")]


# A word of direction coordinated with the one a known place opens with is a place of its own, named in full.
def test_a_coordinated_word_of_direction_is_the_place_it_shares_a_name_with(lex):
    body = "He inspected South and North Phyongan and a game between North and South Hwanghae teams."
    assert named(body, lex, "place") == [
        ("South", "South Phyongan Province"), ("North Phyongan", "North Phyongan Province"),
        ("North", "North Hwanghae Province"), ("South Hwanghae", "South Hwanghae Province")]


# A plural place head in lower case after a list of names makes each of them a place, the head outside; demonyms
# before it make none.
@pytest.mark.parametrize("body, want", [
    ("He visited farms in Taedong, Kujang and Hyangsan counties.", ["Taedong", "Kujang", "Hyangsan"]),
    ("In Sinuiju and Kanggye cities, and in Korean and Chinese cities, it rained.", ["Sinuiju", "Kanggye"]),
])
def test_names_listed_before_a_plural_place_head_are_places(lex, body, want):
    assert [s for _, s in spans(body, lex, "place")] == want


def test_a_place_listed_before_a_plural_head_is_named_with_its_head_where_known(lex):
    body = "He inspected farms in Jaeryong and Sinchon counties. Jaeryong County farmers met him."
    assert named(body, lex, "place") == [("Jaeryong", "Jaeryong County"), ("Sinchon", "Sinchon County"),
                                         ("Jaeryong County", "Jaeryong County")]


# A confederation or a bloc is an organisation like a federation; `Coalition` is no head, being a modifier as often
# (`the delegation of Three Ruling Coalition parties`).
def test_a_confederation_and_a_bloc_are_organisations(lex):
    body = ("The Korean Confederation of Trade Unions and the Democratic Bloc met the delegation of Three Ruling "
            "Coalition parties.")
    assert spans(body, lex) == [("organization", "Korean Confederation of Trade Unions"),
                                ("organization", "Democratic Bloc")]


# A sentence opener before a place head in lower case is no place (`The city and counties …`); a name there is.
@pytest.mark.parametrize("body, want", [
    ("Goat farms were built last year. The city and counties in the province now make cheese.", []),
    ("Wheat grew well. This city has a new mill, said the report.", []),
    ("A ship came from Nakhodka city of Russia on Friday.", [("place", "Nakhodka"), ("place", "Russia")]),
    ("Orchards ring Kanggye city, a report said.", [("place", "Kanggye")]),
])
def test_an_opener_before_a_lower_case_place_head_is_no_place(lex, body, want):
    assert spans(body, lex, "place") == want


# A place's `of` tail ends before `with` and before an `and` that follows a head of its own: the words after are
# another name or no name at all, never part of the place.
@pytest.mark.parametrize("body, want", [
    ("Drones struck Odessa City of Ukraine with U.S.-made parts last week.",
     [("place", "Odessa City"), ("place", "Ukraine"), ("place", "U.S.")]),
    ("Songchon County of South Phyongan Province and Ichon and Pyongsan counties of Kangwon Province sowed maize.",
     [("place", "Songchon County"), ("place", "South Phyongan Province"), ("place", "Ichon"), ("place", "Pyongsan"),
      ("place", "Kangwon Province")]),
    ("Kyongsong County of North Hamgyong Province and Unsan County sent rice.",
     [("place", "Kyongsong County"), ("place", "North Hamgyong Province"), ("place", "Unsan County")]),
])
def test_a_place_tail_stops_at_with_and_at_and_after_its_own_head(lex, body, want):
    assert spans(body, lex, "place") == want


def test_an_organisation_tail_still_takes_and_and_with(lex):
    body = ("Teachers of Pyongyang University of Music and Dance met the Korean Committee for Cultural Relations "
            "with Foreign Countries.")
    assert spans(body, lex, "organization") == [
        ("organization", "Pyongyang University of Music and Dance"),
        ("organization", "Korean Committee for Cultural Relations with Foreign Countries")]



# A leader's name glued to a mark before it and a word after it (`(2017),Kim Jong Unvisited`) is read inside them,
# so the place after it is found alone, not with the glued words.
@pytest.mark.parametrize("body, want", [
    ("One spring day in Juche 107 (2018),Kim Jong Unvisited Onchon County, Nampho City, a coastal area.",
     [("person", "Kim Jong Un"), ("place", "Onchon County"), ("place", "Nampho City")]),
    ("He came in May;Kim Jong Ilinspected Rakwon County the next day.",
     [("person", "Kim Jong Il"), ("place", "Rakwon County")]),
    ("Guests saw the Tower of the Juche Idea,Kim Jong SukUniversity and a farm.",  # a name inside another's
     [("place", "Tower of the Juche Idea")]),
])
def test_a_name_glued_after_a_mark_is_read_inside_the_glued_words(lex, body, want):
    assert spans(body, lex) == want


# Stations that produce or breed are enterprises, organisations as power stations are; a railway or metro station
# is a place.
@pytest.mark.parametrize("body, want", [
    ("She works at the Unsan Wild Fruit Processing Station under the county.",
     [("organization", "Unsan Wild Fruit Processing Station")]),
    ("The Sinchang Silkworm Breeding Station and the Ryongsong Pumping Station met the plan.",
     [("organization", "Sinchang Silkworm Breeding Station"), ("organization", "Ryongsong Pumping Station")]),
    ("Passengers left Kowon Railway Station for Hamhung.", [("place", "Kowon Railway Station"), ("place", "Hamhung")]),
])
def test_a_processing_or_breeding_station_is_an_organisation(lex, body, want):
    assert spans(body, lex) == want



def test_a_fishery_station_is_an_organisation(lex):
    assert spans("The Party committee at the Sinpho Fishery Station led it.", lex) == [
        ("organization", "Sinpho Fishery Station")]


# A regiment or battalion is a named unit and a manufactory an enterprise: organisations found whole, the city or
# province opening their names no place apart; an honorary title naming a regiment after a person is no unit.
@pytest.mark.parametrize("body, want", [
    ("Members of the Kaesong Municipal Regiment of Party Members left for the site.",
     [("organization", "Kaesong Municipal Regiment of Party Members")]),
    ("Builders of the Jagang Provincial Battalion and the Sinuiju Cosmetics Manufactory met in Kanggye.",
     [("organization", "Jagang Provincial Battalion"), ("organization", "Sinuiju Cosmetics Manufactory"),
      ("place", "Kanggye")]),
])
def test_a_regiment_and_a_manufactory_are_organisations(lex, body, want):
    assert spans(body, lex) == want


# A law or a constitution is a document, a title of a work: no name inside it (`the Law of the DPRK on Light
# Industry`), as in a treaty; the country after it outside the title, and a law in lower case, still count.
@pytest.mark.parametrize("body, want", [
    ("Deputies discussed the draft Law of the DPRK on Fisheries and the Law of the DPRK on Forestry.", []),
    ("The session amended the Socialist Constitution of the DPRK on Tuesday.", []),
    ("Students of international law from Laos visited the DPRK.", [("place", "Laos"), ("place", "DPRK")]),
])
def test_no_place_inside_a_law_or_a_constitution(lex, body, want):
    assert spans(body, lex) == want


# A quotation named a title (`an article titled “…”`) is a title of a work whatever its case, with no name inside
# it; a slogan (`!`) holds names, as quoted words with no such cue do.
@pytest.mark.parametrize("body, want", [
    ('The Hindu carried an article titled "Understanding the situation of the Korean peninsula through history" '
     "in India.", [("place", "India")]),
    ("KCNA issued a commentary under the title “DPRK will never tolerate the provocations of Japan” on Monday.",
     [("organization", "KCNA")]),
    ('A rally was held under the title "Let us drive the U.S. troops out of south Korea!" in Seoul.',
     [("place", "U.S."), ("place", "south Korea"), ("place", "Seoul")]),
    ('He said "the DPRK will defend itself" in Moscow.', [("place", "DPRK"), ("place", "Moscow")]),
])
def test_no_name_inside_a_quotation_named_a_title(lex, body, want):
    assert spans(body, lex) == want


# A province, region, city or county `of` a known place is two places, as `Kyongsong County of North Hamgyong
# Province` already was: `of the DPRK` names the country, not part of the province's name. Not when the head opens
# the name (`City of Havana`, `Republic of Korea`).
@pytest.mark.parametrize("body, want", [
    ("New houses rose in Tongsin County, Jagang Province of the DPRK, last week.",
     [("place", "Tongsin County"), ("place", "Jagang Province"), ("place", "DPRK")]),
    ("The delegation left for Tomsk Region of Russia on Friday.", [("place", "Tomsk Region"), ("place", "Russia")]),
    ("He stayed in the City of Havana and spoke of the Republic of Korea.",
     [("place", "City of Havana"), ("place", "Republic of Korea")]),
])
def test_a_place_of_a_known_place_is_two_places(lex, body, want):
    assert spans(body, lex, "place") == want


# So is a municipality, a port or a landmark `of` a known place (`Rason Municipality of the DPRK`, `Maizuru Port of
# Japan`, `Ryongmun Falls of Mt Myohyang`: `of` locates, it names no part); a municipality is named as its city is
# (`Nampho Municipality` is Nampho, as `Nampho City` is), and so is a city of the alias table's.
@pytest.mark.parametrize("body, want", [
    ("Farmers in Hanggu District, Nampho Municipality of the DPRK, moved into new houses.",
     [("place", "Hanggu District"), ("place", "Nampho Municipality"), ("place", "DPRK")]),
    ("The ship was sunk off Maizuru Port of Japan.", [("place", "Maizuru Port"), ("place", "Japan")]),
    ("Tourists saw Ryongmun Falls of Mt Myohyang.", [("place", "Ryongmun Falls"), ("place", "Mt Myohyang")]),
])
def test_any_place_of_a_known_place_is_two_places(lex, body, want):
    assert spans(body, lex, "place") == want


# Not a museum, a theatre or a sea, whose names keep their country (`National Art Museum of China`), nor a country's
# long form.
def test_a_building_or_sea_of_a_country_keeps_it(lex):
    body = ("Artists of the Bolshoi Theatre of Russia came to the National Art Museum of China. "
            "Shells fell into the South Sea of Korea.")
    assert spans(body, lex, "place") == [("place", "Bolshoi Theatre of Russia"),
                                         ("place", "National Art Museum of China"), ("place", "South Sea of Korea")]


def test_a_municipality_is_named_as_its_city(lex):
    body = "Sonbong District of Rason Municipality and Kaesong Municipality held meetings."
    places = {m.surface: m.entity_id for m in mentions(body, lex) if m.type == "place"}
    assert places["Rason Municipality"] == "place:rason" and places["Kaesong Municipality"] == "place:kaesong"


# A quantifier before a place head in lower case is no name (`Every city and county …`), as `The city …` was not.
@pytest.mark.parametrize("opener", ["Every", "Each", "Many", "Some", "Several", "Other"])
def test_a_quantifier_before_a_lower_case_place_head_is_no_place(lex, opener):
    body = f"{opener} city of the province has built a hospital. Sinpho city followed."
    assert spans(body, lex, "place") == [("place", "Sinpho")]


# A company is an organisation by its `Co` (`… Trading Co. Ltd.`, its `Ltd.` too): the city that opens its name is
# no place apart.
def test_a_company_is_one_organisation_with_the_city_it_opens_with(lex):
    body = "Flowers came from Wang Li, manager of the Harbin Songhua Machinery Trading Co. Ltd. of China."
    assert spans(body, lex) == [("person", "Wang Li"), ("organization", "Harbin Songhua Machinery Trading Co. Ltd."),
                                ("place", "China")]


# A power grid's station with its province before it (`… Provincial Power Transmission and Distribution Station`)
# is one organisation, not a province and a `Distribution Station` place.
def test_a_transmission_and_distribution_station_is_one_organisation(lex):
    body = "The North Phyongan Provincial Power Transmission and Distribution Station laid new cables."
    assert spans(body, lex) == [
        ("organization", "North Phyongan Provincial Power Transmission and Distribution Station")]


# A known person's name glued only to the word after it, as some scraped copies print it (`. Kim Jong Unsaid`,
# `-Kim Jong Unsent`): the name, not a name by shape with the word in it; a longer name in no list is no such
# thing (`Ri Myong Sun` is not `Ri Myong Su` glued to `n`).
@pytest.mark.parametrize("body, want", [
    ("He came home. Kim Jong Unsaid that the harvest was good.", [("person", "Kim Jong Un")]),
    ("-Kim Jong Unsent a birthday spread to a woman.", [("person", "Kim Jong Un")]),
    ("The exploits of Kim Il Sungand Kim Jong Ilwho led the people.",
     [("person", "Kim Il Sung"), ("person", "Kim Jong Il")]),
    ("Ri Myong Sun, a weaver, spoke.", [("person", "Ri Myong Sun")]),
])
def test_a_known_name_glued_to_the_word_after_it(lex, body, want):
    assert spans(body, lex, "person") == want


# A word that is also a title, inside an organisation's tail and right before a head, is part of the name
# (`… of the Myanmar Journalist Association`), where a title before a name ends it (`… University of Technology
# President Ri`).
def test_a_title_word_before_a_head_inside_a_tail_goes_on(lex):
    body = "A member of the Central Executive Committee of the Nepal Journalist Association spoke."
    assert spans(body, lex, "organization") == [
        ("organization", "Central Executive Committee of the Nepal Journalist Association")]


# A Korean name after a prefix and its hyphen is the name (`anti-Park Jin Hyok`), as a country's is (`anti-DPRK`);
# not after a capitalised word (`DPRK-Kim …` stays two).
@pytest.mark.parametrize("body, want", [
    ("They staged an anti-Park Jin Hyok rally in Seoul.", [("person", "Park Jin Hyok")]),
    ("A pro-Lee Song Chol group met.", [("person", "Lee Song Chol")]),
])
def test_a_korean_name_after_a_prefix_and_hyphen(lex, body, want):
    assert spans(body, lex, "person") == want


# Parties named a national or democratic congress are organisations (`African National Congress`), the country
# after them in the name; a congress held is none (`the Eighth Congress of the Party`).
@pytest.mark.parametrize("body, want", [
    ("The secretary of the Kenya National Congress spoke.", [("organization", "Kenya National Congress")]),
    ("A message came from the Social Democratic Congress of Malawi.",
     [("organization", "Social Democratic Congress of Malawi")]),
    ("Delegates to the Eighth Congress of the Party met.", []),
])
def test_a_national_or_democratic_congress_is_an_organisation(lex, body, want):
    assert spans(body, lex) == want


# Rocks, hot springs and rinks are named sites (places); a head of two words alone is no name (`(lark) Hot Spring`,
# `the Power Station`).
@pytest.mark.parametrize("body, want", [
    ("Climbers reached Turtle Rock and bathed at the Ondok Hot Spring.",
     [("place", "Turtle Rock"), ("place", "Ondok Hot Spring")]),
    ("Skaters filled the Taedonggang Ice Rink.", [("place", "Taedonggang Ice Rink")]),
    ("The spring is also called Kumbit (golden) Hot Spring by villagers.", []),
    ("Workers of the Power Station met.", []),
])
def test_rocks_hot_springs_and_rinks_are_places_and_a_head_alone_is_none(lex, body, want):
    assert spans(body, lex) == want


# A head glued to its `of` by the source (`Councilof the …`) is named with the space (`Council of the …`): one entity
# whether or not the page lost the space.
def test_a_head_glued_to_its_of_is_named_with_the_space(lex):
    glued = "A message came from the Central Council of the Rainbow Partyof Chile."
    spaced = "A message came from the Central Council of the Rainbow Party of Chile."
    assert [m.entity_id for m in mentions(glued, lex)] == [m.entity_id for m in mentions(spaced, lex)]
    assert [m.entity for m in mentions(glued, lex)] == ["Central Council of the Rainbow Party of Chile"]


# Words of portfolios and heritage are no personal names (`Animal Husbandry and Rural Development` of a ministry;
# `Cultural Heritage` of an authority); newspapers by their `Shimbun` or `Ilbo` are organisations, named without
# the country's adjective before them.
@pytest.mark.parametrize("body", [
    "The Ministry of Fisheries, Animal Husbandry and Rural Development sent flowers.",
    "Officials of the Authority for the Protection of Cultural Heritage, officials concerned and teachers met.",
])
def test_words_of_portfolios_and_heritage_are_no_persons(lex, body):
    assert spans(body, lex, "person") == []


def test_newspapers_by_their_head_without_the_country_before_them(lex):
    body = "The Japanese Hokkaido Shimbun said so, and South Korean Seoul Ilbo agreed."
    assert spans(body, lex, "organization") == [("organization", "Hokkaido Shimbun"), ("organization", "Seoul Ilbo")]


# A known name glued to `HE` (His Excellency) is found as it is after `Comrade` (`HEKim Jong Un`, `H.E.Kim Jong Un`).
@pytest.mark.parametrize("body", ["Greetings went to HEKim Jong Un on Friday.", "Greetings went to H.E.Kim Jong Un."])
def test_a_known_name_glued_to_his_excellency(lex, body):
    assert spans(body, lex, "person") == [("person", "Kim Jong Un")]


# `Senior` before `Party and government officials` opens no organisation; a plural title inside an organisation's
# tail goes on when `in` follows it (`… of Korean Businessmen in China`), where a title before a name ends the tail.
@pytest.mark.parametrize("body, want", [
    ("Senior Party and government officials laid wreaths.", []),
    ("Members of the Association of Korean Farmers in Russia met.",
     [("organization", "Association of Korean Farmers in Russia")]),
])
def test_senior_opens_no_organisation_and_a_plural_title_in_a_tail_goes_on(lex, body, want):
    assert spans(body, lex, "organization") == want


# An alias whose apostrophe the source printed after a space (`Workers ' Party`, as it prints `Kim Jong Un 's`) is
# the alias, named as the table names it; not a shorter name by shape (`Party of Korea`).
@pytest.mark.parametrize("body, surface", [
    ("A decision of the Workers ' Party of Korea was read.", "Workers ' Party of Korea"),
    ("Units of the Korean People 's Army paraded.", "Korean People 's Army"),
])
def test_an_alias_with_a_spaced_apostrophe(lex, body, surface):
    found = mentions(body, lex)
    assert [(m.surface, m.entity) for m in found] == [(surface, surface.replace(" '", "'"))]


# An organ cut short by coordination also before a title with a capitalised portfolio: `member of the Presidium of
# the Political Bureau and secretary for Organizational Affairs of the WPK Central Committee`.
@pytest.mark.parametrize("body, portfolio", [
    ("Ri Chol Su, member of the Presidium of the Political Bureau and secretary for Organizational Affairs of the WPK "
     "Central Committee, spoke.", "Organizational Affairs"),
    ("Han Mun Gil, member of the Political Bureau and secretary for Science and Education of the WPK Central "
     "Committee, was there.", "Science and Education"),
])
def test_an_organ_cut_short_before_a_title_with_a_portfolio(lex, body, portfolio):
    orgs = named(body, lex, "organization")
    organ = body[body.index("the ") + 4:body.index(" and secretary")]
    assert orgs[0] == (organ, f"{organ} of the Central Committee of the Workers' Party of Korea")
    assert not any(portfolio in surface for surface, _ in orgs)


# A place in no list before `area`/`areas` in lower case: only the words after the run's last small word, one place
# for each of coordinated names; not a capitalised word opening a sentence.
@pytest.mark.parametrize("body, places", [
    ("Flats are going up in the Kangsan area of the capital.", ["Kangsan"]),
    ("He visited Tongbok and Sorim areas, where schools were built.", ["Tongbok", "Sorim"]),
    ("They went to Hwajong-ri in Pongdu area last spring.", ["Hwajong-ri", "Pongdu"]),
    ("Mountainous areas of the province had rain. Coastal areas were dry.", []),
])
def test_places_before_a_lower_case_area(lex, body, places):
    assert [s for s, _ in named(body, lex, "place")] == places


# A ward or village named after a place of the alias table, with the suffix glued to it, is one place.
def test_a_ward_named_after_a_known_place_is_one_place(lex):
    body = "Houses were built in Paektusan Secret Camp-dong and Mangyongdae-ri this year."
    assert [s for s, _ in named(body, lex, "place")] == ["Paektusan Secret Camp-dong", "Mangyongdae-ri"]


# Two names coordinated after a tail are two organisations, not one run to the second head: neither the first's
# tail nor the second's words before its head cross the `and` into the other name.
@pytest.mark.parametrize("body, orgs", [
    ("Students at Kanggye University of Technology and Hyesan University of Agriculture went there.",
     ["Kanggye University of Technology", "Hyesan University of Agriculture"]),
    ("Teachers of Sinuiju University of Light Industry and Wonsan University of Fisheries met.",
     ["Sinuiju University of Light Industry", "Wonsan University of Fisheries"]),
    ("He heads the Department of Press and Information of the Foreign Ministry.",
     ["Department of Press and Information of the Foreign Ministry"]),
])
def test_coordinated_organisations_after_a_tail(lex, body, orgs):
    assert [s for s, _ in named(body, lex, "organization")] == orgs


# A given name's second syllable is written voiced after a voiced sound (`Kol` -> `Gol`, `Pal` -> `Bal`): such a
# name is read like any other; a month's abbreviation is no syllable of one.
@pytest.mark.parametrize("body, persons", [
    ("Speakers were Deputies Ri Hang Gol and Kim Yong Bal.", ["Ri Hang Gol", "Kim Yong Bal"]),
    ("Pak Song Gol spoke.", ["Pak Song Gol"]),
])
def test_korean_names_with_a_voiced_syllable(lex, body, persons):
    assert [s for s, _ in named(body, lex, "person")] == persons


# A name after a day (`the September 9 Street`) is a name even when its head stands alone after the date.
def test_a_head_named_after_a_day(lex):
    body = "They walked along the September 9 Street to the June 9 Factory."
    assert [(m.type, m.surface) for m in mentions(body, lex)] == [("place", "September 9 Street"),
                                                                    ("organization", "June 9 Factory")]


# A company's name goes on with its `Ltd.` (`Co. Ltd.`, `Co., Ltd`), where the country after it stays apart.
@pytest.mark.parametrize("body, org", [
    ("Wang Li, manager of the Yalu Trading Co. Ltd. in Dandong, arrived.", "Yalu Trading Co. Ltd."),
    ("A basket came from the Harbin Machinery Co., Ltd of China.", "Harbin Machinery Co., Ltd"),
])
def test_a_company_with_its_limited(lex, body, org):
    assert [s for s, _ in named(body, lex, "organization")] == [org]


# The alias table as the guidelines type and cut its entries: a complex is an organisation (`Sci-Tech Complex`); the
# cemetery on a mountain is two places.
def test_alias_table_entries_as_the_guidelines_have_them(lex):
    body = "A fair opened at the Sci-Tech Complex. Wreaths were laid before the Revolutionary Martyrs Cemetery on Mt Taesong."
    assert spans(body, lex) == [("organization", "Sci-Tech Complex"), ("place", "Revolutionary Martyrs Cemetery"),
                                ("place", "Mt Taesong")]


# Guards of the rules above: a name with its own `and` inside a tail stays whole, and a place before a lower-case
# head opening a sentence is read (as before those rules); an adjective before `area` is no place.
@pytest.mark.parametrize("body, want", [
    ("Members of the Party Committee of the Pyongyang Song and Dance Ensemble met.",
     [("organization", "Party Committee of the Pyongyang Song and Dance Ensemble")]),
    ("The Bureau of Land and Sea Transport of the Cabinet met.",
     [("organization", "Bureau of Land and Sea Transport of the Cabinet")]),
    ("Hwasong city was flooded. He said: Sunchon city was not.", [("place", "Hwasong"), ("place", "Sunchon")]),
    ("Songsin and Songhwa areas were hit, not the Western area nor Agricultural areas.",
     [("place", "Songsin"), ("place", "Songhwa")]),
])
def test_guards_of_the_coordination_and_lower_head_rules(lex, body, want):
    assert spans(body, lex) == want


# Heads the unlabelled items named with a city before them, which alone was read as a place: sites (`Sanctuary`,
# `Playground`, `Lane` of a bowling alley) and bodies (`Shop`, `Sub-institute`).
@pytest.mark.parametrize("body, want", [
    ("The Kuwolsan Biosphere Sanctuary was registered.", [("place", "Kuwolsan Biosphere Sanctuary")]),
    ("A rally was held at the Hamhung Public Playground.", [("place", "Hamhung Public Playground")]),
    ("A tournament took place at the Sinuiju Silver Lane.", [("place", "Sinuiju Silver Lane")]),
    ("The fair closed at the Kaesong Underground Shop.", [("organization", "Kaesong Underground Shop")]),
    ("The Hamhung Fruit Sub-institute bred apples.", [("organization", "Hamhung Fruit Sub-institute")]),
])
def test_heads_of_sites_and_bodies_named_after_a_city(lex, body, want):
    assert spans(body, lex) == want


# The title of a speech, report, letter or lecture, quoted right after the word, is a work: no name inside it, even in
# sentence case; a quotation after `said` still holds names.
def test_a_quoted_title_after_speech_or_report_is_a_work(lex):
    body = ('He made a report "The great Comrade Kim Il Sung\'s history will shine forever" at the meeting. '
            'Ri Il Hwan made a speech "Let Us Build the Kangdong area Better". He said "Kim Jong Un leads us".')
    assert [s for s, _ in named(body, lex, "person")] == ["Ri Il Hwan", "Kim Jong Un"]
    assert named(body, lex, "place") == []


# A head that opens a place's name (`Mt.`, `Mt`, `Mount`, `Lake`, `Lagoon`) makes one of a name in no list, named
# as the alias table names mountains (`Mt Sobaek`); a plural one (`Mounts`, `Lakes`) makes each name of the list
# after it a place, the head outside. A name of the alias table keeps its entity.
@pytest.mark.parametrize("body, want", [
    ("Mt. Chilbo and Mt. Sobaek were built as resorts.", [("Mt. Chilbo", "place:mt-chilbo"),
                                                          ("Mt. Sobaek", "place:mt-sobaek")]),
    ("Tourists saw Lake Ryonji and Lagoon Tongjong.", [("Lake Ryonji", "place:lake-ryonji"),
                                                       ("Lagoon Tongjong", "place:lagoon-tongjong")]),
    # a name of more words is left to the other readings (none reads `Lake Tonle Sap`: missed, not cut short)
    ("Lake Ryonji's water is clear, and Lake Tonle Sap is wide.", [("Lake Ryonji", "place:lake-ryonji")]),
    ("Mounts Ryonhwa, Kwanmo and Kumgang are famous.", [("Ryonhwa", "place:mt-ryonhwa"),
                                                       ("Kwanmo", "place:mt-kwanmo"),
                                                       ("Kumgang", "place:mt-kumgang")]),
])
def test_a_head_before_a_name_opens_a_place(lex, body, want):
    assert [(m.surface, m.entity_id) for m in mentions(body, lex) if m.type == "place"] == want


# A landmark's head in lower case (`cave`, `falls`, `rock`, `peak`) is part of its name, the word before naming
# nothing alone; not after a village (`the Sokjon-ri valley`: the village) nor a known name (`the Taedong River
# valley`), and `area` stays out (`the Hwasong area`).
def test_a_landmark_head_in_lower_case_is_part_of_the_name(lex):
    body = ("Visitors entered Paekryong cave and saw Kuryong falls, near the Sokjon-ri valley, the Taedong River valley "
            "and the Hwasong area.")
    assert spans(body, lex, "place") == [("place", "Paekryong cave"), ("place", "Kuryong falls"),
                                         ("place", "Sokjon-ri"), ("place", "Taedong River"), ("place", "Hwasong")]


# `falls` and `rock` are verbs too: no head before a word a verb takes (`on`, `into`, `the`, a capitalised object),
# nor after a word no name is made of (`the Juche rock`).
@pytest.mark.parametrize("body, want", [
    ("As the Day of the Sun falls on Saturday this year, Victory Day falls on Thursday.", []),
    ("Seoul falls into chaos and Japan falls short of its promise.", [("place", "Seoul"), ("place", "Japan")]),
    ("Protests rock the U.S. and rallies rock Seoul.", [("place", "U.S."), ("place", "Seoul")]),
    ("The Juche rock stands firm, and Hogu rock similar to a tiger and Kidang falls which swell in summer are famous.",
     [("place", "Hogu rock"), ("place", "Kidang falls")]),
])
def test_a_verb_after_a_name_is_no_landmark_head(lex, body, want):
    assert spans(body, lex, "place") == want


# Names in a list before a plural landform head are each a place (`Janggun and Hyangdo peaks`), as before `counties`;
# so are the names of a list ending in `and other` places (`…, and other scenic spots`); not a list of persons
# ending in `and other officials`.
def test_lists_of_places_before_a_plural_head_or_and_other_places(lex):
    body = ("It has Jangsu and Pongsu peaks. The coast has Hamjin, Toksong and Rakwon, and other scenic spots. "
            "Ri Il Hwan, Jon Hyon Chol and other officials were there.")
    assert spans(body, lex) == [("place", "Jangsu"), ("place", "Pongsu"), ("place", "Hamjin"), ("place", "Toksong"),
                                ("place", "Rakwon"), ("person", "Ri Il Hwan"), ("person", "Jon Hyon Chol")]


# A restaurant is a named building like a hotel (a place, as the labelled articles name hotels and guesthouses); a
# newspaper may be named by its `Times` (an organisation).
def test_a_restaurant_is_a_place_and_a_times_a_newspaper(lex):
    body = "They dined at the Ryugyong Restaurant, according to the Straits Times."
    assert spans(body, lex) == [("place", "Ryugyong Restaurant"), ("organization", "Straits Times")]


# A generic word after a place name is no part of it: `the Asia-Pacific region` is the Asia-Pacific.
def test_a_region_after_a_place_name_is_no_part_of_it(lex):
    assert spans("Tension grows in the Asia-Pacific region.", lex) == [("place", "Asia-Pacific")]


# A revolutionary, battle or historic site is a place by its head (`… Revolutionary Site`, `… Revolutionary Battle
# Site`); a bare `Site` is no head (`UNESCO World Heritage Site`, `Web Site`).
def test_a_site_is_a_place(lex):
    body = ("Youth visited the Jonggang Revolutionary Site and the Samsu Revolutionary Battle Site. The tombs are a "
            "UNESCO World Heritage Site, says the Uriminzokkiri Web Site.")
    assert spans(body, lex) == [("place", "Jonggang Revolutionary Site"), ("place", "Samsu Revolutionary Battle Site"),
                                ("organization", "UNESCO"), ("organization", "Uriminzokkiri")]


# A farm's, a factory's or a mine's `of` tail naming a place only says where it is: the farm and the county are two
# mentions. A committee's or a university's `of` tail stays part of its name.
def test_a_farm_of_a_county_is_the_farm_and_the_county(lex):
    body = ("Visiting the Ryongbong Co-op Farm of Sinpho County and the Taehung Mine of Kowon County, he met the "
            "People's Committee of Sinpho County and students of the University of Agriculture.")
    assert spans(body, lex) == [("organization", "Ryongbong Co-op Farm"), ("place", "Sinpho County"),
                                ("organization", "Taehung Mine"), ("place", "Kowon County"),
                                ("organization", "People's Committee of Sinpho County"),
                                ("organization", "University of Agriculture")]


# Not when the tail names a body (`… Farm of the Rural Economy Committee of … Province` is one organisation); a
# newspaper's `of <country>` only locates it too, unless the head opens the name (`the Times of India`).
def test_a_farm_of_a_committee_stays_whole_and_a_paper_of_a_country_is_two(lex):
    body = ("He visited the Kangso Farm of the Rural Economy Committee of South Phyongan Province. The Straits Times of "
            "Singapore and the Times of India reported it.")
    assert spans(body, lex) == [
        ("organization", "Kangso Farm of the Rural Economy Committee of South Phyongan Province"),
        ("organization", "Straits Times"), ("place", "Singapore"), ("organization", "Times of India")]


# A demonym before `Party` alone is a common noun (`the fraternal Korean Party, government, army and people`), not a
# name; with more words it is one (`Korean Social Democratic Party`).
def test_a_demonym_before_party_alone_is_no_name(lex):
    body = "The Chinese Party and the Lao Party greeted the Korean Social Democratic Party."
    assert spans(body, lex) == [("organization", "Korean Social Democratic Party")]


# A place in no list named after `in` or `at` right before a known place it is in is a place (`held in Malmo,
# Sweden`, `in Sofia of Bulgaria`); not a word no name is made of (`in Korean, Japanese …`).
def test_a_place_before_the_known_place_it_is_in(lex):
    body = ("A seminar was held in Lund, Sweden, and another took place in Plovdiv of Bulgaria. Ads in Korean, "
            "Japan said so.")
    assert spans(body, lex, "place") == [("place", "Lund"), ("place", "Sweden"), ("place", "Plovdiv"),
                                         ("place", "Bulgaria"), ("place", "Japan")]


# A gallery is a place like a museum; the diplomatic corps is a body named only by common nouns (no name), though a
# club named for it is (`Taedonggang Club for the Diplomatic Corps`).
def test_a_gallery_is_a_place_and_the_diplomatic_corps_no_name(lex):
    body = "The Ministry hosted the Diplomatic Corps at the Chosun Art Gallery."
    assert spans(body, lex) == [("place", "Chosun Art Gallery")]


# A Korean name may end in a one-letter syllable that is also an English word (`I`, `O`) where a list goes on after
# it (`Kim Song I, Kim Song Guk`); not elsewhere (`Then I met`). `Om` is a surname.
def test_a_listed_korean_name_may_end_in_a_one_letter_syllable(lex):
    body = "The best were Om Yun Chol, Pak Song I, Jon Nung O and Ri Chol Man. Then Kim Song I went home."
    assert spans(body, lex) == [("person", "Om Yun Chol"), ("person", "Pak Song I"), ("person", "Jon Nung O"),
                                ("person", "Ri Chol Man")]


# A tail that holds a body whose name goes on with `in` goes on with it (`Central Committee of the Union of
# Democratic Korean Women in Japan`); a party's faction after its `of` tail is part of it (`Communist Party of Canada
# (Marxist-Leninist)`); an award coordinated after a tail is no part of it (`Ministry of Commerce and Merited
# Barber's Title`).
def test_a_nested_in_tail_a_faction_after_a_tail_and_no_award_in_a_tail(lex):
    body = ("The Central Committee of the Union of Democratic Korean Women in Japan met. Envoys of the Communist Party of "
            "Chile (Proletarian Action) came. Units under the Ministry of Commerce and Merited Teacher's Title holders.")
    assert spans(body, lex, "organization") == [
        ("organization", "Central Committee of the Union of Democratic Korean Women in Japan"),
        ("organization", "Communist Party of Chile (Proletarian Action)"), ("organization", "Ministry of Commerce")]


# Words of a minister's portfolio are no personal names (`Minister of Natural Resources and Ecology Alexandr Kozlov`);
# `north Korea` is the DPRK as `south Korea` is the ROK; a councilor is a role after a name.
def test_portfolio_words_north_korea_and_a_councilor(lex):
    body = ("Present were Minister of Natural Resources and Ecology Sergei Petrov and Hamid Ali Omar, senior councilor "
            "of the embassy. He spoke of the U.S. policy toward north Korea.")
    assert [(m.type, m.surface, m.entity_id) for m in mentions(body, lex)] == [
        ("person", "Sergei Petrov", "person:sergei-petrov"), ("person", "Hamid Ali Omar", "person:hamid-ali-omar"),
        ("place", "U.S.", "place:usa"), ("place", "north Korea", "place:dprk")]


# A known place with a city's head after it is that place (`St. Petersburg City`), not a shaped `Petersburg City`;
# not when the alias table names a larger place by the same word (`Gaza City` is no `Gaza Strip`).
def test_a_known_place_with_its_city_head(lex):
    body = "Film shows took place in St. Petersburg City and in Gaza City."
    assert [(m.surface, m.entity_id) for m in mentions(body, lex)] == [
        ("St. Petersburg City", "place:st-petersburg"), ("Gaza City", "place:gaza")]
