DROP FUNCTION leads_matching(text, integer), contacts_matching(text, integer),
    accounts_matching(text, integer), opportunities_matching(text, integer);
