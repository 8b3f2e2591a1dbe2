from readings.analysis.stemming import stem, stem_all


def test_words_of_one_family_share_a_stem():
    assert stem("infiltration") == stem("infiltrate") == stem("infiltrating")


def test_russian_has_its_own_stemmer():
    assert stem("культурной", "russian") == stem("культурная", "russian")
    assert stem_all(["powers", "power"]) == ["power", "power"]
