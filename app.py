"""Entry point: page config, sign-in gate, navigation over the pages the role may see."""

import streamlit as st

from team.ui import auth, faults, inbox, look, navigation, reads, search_box

# An emoji icon is drawn in the browser; a ":material/…:" one is fetched from
# fonts.gstatic.com, which an offline or loopback-only deployment cannot reach.
st.set_page_config(page_title="Team answers", page_icon="🧩", layout="wide")
look.apply()
with faults.database_failures():  # a database gone mid-run is a sentence, not a traceback
    person = auth.gate()
    inbox.take_seen(person)  # a page opened from the inbox: that notification is read
    pages = navigation.pages_for(person.role, unread=reads.unread_count(person.id))
    # Every page in view: past ten, Streamlit would hide the last ones behind "View more".
    chosen = st.navigation(pages, expanded=True)
    search_box.draw()
    chosen.run()
