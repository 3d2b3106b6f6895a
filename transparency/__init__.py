"""What Redress shows the public about complaints: statistics, open complaint data and warnings
on shops whose operator nobody disclosed (issue 17). It reads complaints, cases and outcomes;
nothing below it imports it."""
