"""Hard cases (idioms, gaming, negation, news, lyrics, condemnation): for each indicator a
real-looking positive and the look-alikes that must not fire.

Rules only (model=None), so these pin what the pattern files and the context handling do.
"""

from __future__ import annotations

import pytest

HIGH = 0.5  # "flags": the indicator's score reaches the default threshold
LOW = 0.3  # "does not fire": clearly below it


@pytest.fixture(scope="module")
def det():
    from triage.detector import Detector

    return Detector(model=None)


def score(det, text, indicator):
    return det.analyze(text).scores[indicator]


POSITIVES = [
    ("threat", "I swear to god I'm going to kill you and your whole family"),
    ("threat", "imma fuck him up next time I see him"),
    ("threat", "Everyone at that school deserves to die. Friday I'm shooting up the school"),
    ("threat", "I know where you live. Watch your back."),
    ("threat", "they should all be hanged for treason"),
    ("threat", "honestly I would have killed that woman right there"),  # said of a past moment, no intent word
    ("threat", "I think I might actually kill someone today"),
    ("plan", "I've been planning this for months. Tomorrow at noon I will do it, the floor plan is on my wall"),
    ("plan", "If you are reading this, it has started. Read my manifesto."),
    ("radicalization", "Wake up white people, the great replacement is real. 14 words."),
    ("radicalization", "the kuffar will taste the wrath of the mujahideen, pledge allegiance to the caliph"),
    ("weapons", "Just picked up my new AR-15 and 1000 rounds of ammo, plate carrier arrives Monday"),
    ("weapons", "where can I buy a gun without a background check"),
    ("fixation_past_attacks", "Saint Tarrant is my hero, I want to beat his high score"),
    ("fixation_past_attacks", "I'm going to pull a Columbine, the next Columbine will be me"),
    ("target", "you are a worthless retard, everybody hates you"),
    ("target", "all these muslims should go back, filthy ragheads"),
    ("violence_history", "I was arrested for assault last year after I broke his jaw"),
    ("violence_history", "I've been in a lot of fights, I put a guy in the hospital once"),
    ("distress", "I don't want to live anymore. I feel so worthless and empty inside"),
    ("distress", "i just want to die, nothing to live for"),
    ("isolation", "nobody cares about me. I have no friends and everyone ignores me"),
    ("isolation", "society rejected me, they will all pay for what they did"),
]


@pytest.mark.parametrize("indicator,text", POSITIVES)
def test_positive(det, indicator, text):
    assert score(det, text, indicator) >= HIGH, det.analyze(text).hits


HARD_NEGATIVES = [
    # idioms
    ("threat", "this commute is killing me"),
    ("threat", "I'd kill for a coffee right now"),
    ("threat", "my mom is going to kill me when she sees this mess"),
    ("threat", "you absolutely killed it on stage tonight!"),
    ("threat", "shoot me a text when you land"),
    ("threat", "I bombed my exam lol"),
    ("violence_history", "I shot him a text and he never replied"),
    ("distress", "I'm dying 😂 this video is too funny"),
    ("weapons", "grab the glue gun for the craft project"),
    # gaming and sport
    ("threat", "got a headshot from across the map, I'm gonna destroy you in ranked tonight gg"),
    ("threat", "we destroyed them 5-0 in the playoffs, the team played great"),
    ("weapons", "bought a new AK skin in csgo, the AWP is still better for headshots"),
    ("violence_history", "I killed him three times in fortnite lmao"),
    # negation
    ("threat", "I would never hurt anyone, I'm not that kind of person"),
    ("threat", "I'm not going to kill you, calm down"),
    ("weapons", "I don't own a gun and never will"),
    ("violence_history", "I have never hit anyone in my life"),
    ("distress", "I'm not depressed, just tired after work"),
    # reported speech and news
    ("threat", 'Police say the shooter wrote "I will kill them all" in a post before the attack'),
    ("plan", "According to investigators, the suspect's manifesto described his plan in detail"),
    ("weapons", "Police said the gunman bought an AR-15 legally, according to court documents"),
    # quotes and lyrics
    ("threat", '"All the other kids with the pumped up kicks, you better run, better run, outrun my gun" such a catchy song'),
    ("threat", 'my favorite line from the movie: "I will find you, and I will kill you" 🎬'),
    # condemnation of past attacks
    ("fixation_past_attacks", "RIP to the victims of Columbine. Never forget, this tragedy was senseless."),
    ("fixation_past_attacks", "The Christchurch shooting was a horrific act of terror, my heart goes out to the victims"),
    ("threat", "omg you killed that! best set of the night"),  # praise, not a killing
    ("threat", "she killed that performance, I would have cried"),
    ("threat", "my boss kicked her out of the meeting and cut him off mid sentence"),
    ("threat", "my therapist said to write letters to the people I'm angry at and then burn them"),
]


@pytest.mark.parametrize("indicator,text", HARD_NEGATIVES)
def test_hard_negative(det, indicator, text):
    assert score(det, text, indicator) < LOW, det.analyze(text).hits


def test_condemnation_vs_admiration(det):
    condemn = "RIP to the victims of the Christchurch mosque shooting, Tarrant is a monster"
    admire = "Tarrant is a hero and a legend, saint Tarrant did nothing wrong"
    assert score(det, admire, "fixation_past_attacks") >= HIGH
    assert score(det, condemn, "fixation_past_attacks") < LOW
    assert score(det, admire, "fixation_past_attacks") > 2 * score(det, condemn, "fixation_past_attacks")


def test_gaming_context_does_not_excuse_real_world_targets(det):
    game = "gonna headshot everyone in the lobby tonight gg"
    real = "gonna headshot every kid at school tomorrow, this is not a game, irl"
    assert det.analyze(real).scores["threat"] > det.analyze(game).scores["threat"]


def test_negation_does_not_swallow_not_joking(det):
    assert score(det, "I'm not joking, I will kill you", "threat") >= 0.9


def test_damped_hits_say_why(det):
    a = det.analyze('police say the suspect wrote "I will kill you all"')
    rules = [h.rule for h in a.hits if h.indicator == "threat"]
    assert any("/news" in r for r in rules)


# Harm urged on, wished on or said to be deserved by a person, and sexual violence: weaker
# than a stated intent (none flags alone), but each must rank a post well above plain talk.
# Beside each, the everyday look-alike that must stay at zero.
RANKED_THREATS = [
    ("You should've hit her.", "you should've texted her"),
    ("somebody needs to beat the shit out of him", "somebody needs to clean the shit out of the garage"),
    ("He should kick her ass in school the next day.", "you should kick him out of the group chat"),
    ("he deserves a bullet", "he deserves a medal"),
    ("i hope she gets hit by a bus", "i hope she gets the bus on time"),
    ("their lives should be forfeited", "their deposit should be returned"),
    ("Hit her with a club on the back of the head", "hit the ball with a club on the first tee"),
    ("Kick her in the balls first", "we should have beaten them in the final"),
    ("grab her by the pussy", "grab her by the hand and dance"),
    ("rip out her womb", "cut out the seeds first"),
    ("i would've killed her", "i would've called her"),  # "'ve" after a modal is read as "have"
]


@pytest.mark.parametrize("threat,look_alike", RANKED_THREATS)
def test_urged_wished_and_deserved_harm_ranks_above_its_look_alike(det, threat, look_alike):
    assert score(det, threat, "threat") >= 0.44, det.analyze(threat).hits  # a 0.45 rule alone
    assert score(det, look_alike, "threat") < 0.1, det.analyze(look_alike).hits
