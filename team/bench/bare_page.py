"""An empty Streamlit page: the framework floor that `team bench` compares pages with
(rendered through AppTest, and served by a bare `streamlit run` for --browser)."""

import streamlit as st

if __name__ == "__main__":
    st.write("")
