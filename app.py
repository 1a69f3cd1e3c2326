"""Entry point: page config, sign-in gate, navigation over the pages the role may see."""

import streamlit as st

from team.ui import auth, navigation

st.set_page_config(page_title="Team answers", page_icon=":material/hub:", layout="wide")
person = auth.gate()
st.navigation(navigation.pages_for(person.role, attention=auth.attention_count(person))).run()
