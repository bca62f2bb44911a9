"""What LaTeX commands stand for, as Unicode: shared by the math and the text renderers."""

# Commands that stand for one character, in math and (written by authors anyway) in text.
SYMBOLS = {
    **dict(
        zip(
            "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi "
            "varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi "
            "Pi Sigma Upsilon Phi Psi Omega".split(),
            "αβγδϵεζηθϑικλμνξπϖρϱσςτυϕφχψωΓΔΘΛΞΠΣΥΦΨΩ",
        )
    ),
    **dict(
        zip(
            "times approx sim simeq leq le geq ge neq ne pm mp cdot div infty to rightarrow leftarrow "
            "Rightarrow Leftarrow leftrightarrow Leftrightarrow uparrow downarrow mapsto in notin subset "
            "subseteq supset supseteq cup cap forall exists partial nabla ell circ deg prime ldots cdots dots "
            "propto equiv ll gg ast star emptyset neg land lor oplus otimes langle rangle mid vert "
            "sum prod int top checkmark dagger ddagger bullet cong perp angle triangle".split(),
            "×≈∼≃≤≤≥≥≠≠±∓·÷∞→→←⇒⇐↔⇔↑↓↦∈∉⊂⊆⊃⊇∪∩∀∃∂∇ℓ∘°′……⋯∝≡≪≫∗⋆∅¬∧∨⊕⊗⟨⟩||∑∏∫⊤✓†‡•≅⊥∠△",
        )
    ),
}

# Text-mode commands that stand for a word or a character; those standing for nothing.
WORDS = {
    "eg": "e.g.", "ie": "i.e.", "etc": "etc.", "etal": "et al.", "vs": "vs.", "cf": "cf.", "wrt": "w.r.t.",
    "LaTeX": "LaTeX", "TeX": "TeX", "textgreater": ">", "textless": "<", "textbackslash": "\\",
    "textasciitilde": "~", "textasciicircum": "^", "textbar": "|", "textbullet": "•", "dag": "†", "ddag": "‡",
    "S": "§", "P": "¶", "copyright": "©", "textcopyright": "©", "textregistered": "®", "texttrademark": "™",
    "textdegree": "°", "degree": "°", "cmark": "✓", "xmark": "✗", "textellipsis": "…", "textendash": "–",
    "textemdash": "—", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "o": "ø", "O": "Ø", "aa": "å",
    "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "euro": "€", "pounds": "£", "textmu": "µ", "newline": " ",
    "linebreak": " ", "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
    **dict.fromkeys("allowbreak nobreakdash xspace noindent centering hfill relax protect unskip ignorespaces "
                    "smallskip medskip bigskip par".split(), ""),
}
# Accents as combining characters: \'e, \"{o}, \v{c}.
ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
           "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328", "r": "\u030a"}
