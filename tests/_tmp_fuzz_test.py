import random
import pytest
from readings.search import search_passages
pytestmark = pytest.mark.django_db

def test_fuzz(corpus):
    rnd = random.Random(7)
    alphabet = list('"\'*-:^()[]{}<>!&|\\/%_ .,;?+~@#$=') + list("abcNEARORANDNOT") + ["é", "ß", "ǅ", "١٢", "文化", "😀", "\u0301", "\u200b", "\ufeff", "Ⅻ", "ﬁ", "İ", "ς", "١", "𝔘", "x\u0308"]
    for _ in range(3000):
        q = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        for w in ["", " culture", "cultur"]:
            r = search_passages(q + w)
            assert r.total >= len(r.hits)
