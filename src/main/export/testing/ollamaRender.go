// Renders an Ollama TEMPLATE the way Ollama's template package does for a chat request with tools, so that a
// test can compare it with the model's own Jinja template without Ollama. What it replicates: Go's text/template
// with the `missingkey=zero` option and the `json` function; `collate` (every system message joined into
// `.System` by a blank line, consecutive messages of one role other than `tool` merged); the template shapes of
// messages (Role, Content, ToolCalls[].Function.{Index, Name, Arguments}, ToolName, ToolCallID) and of tools
// (type, function.{name, description, parameters.{type, $defs, items, required, properties}}), whose JSON is
// Go's json.Marshal (compact, map keys sorted, <, > and & escaped).
//
//	go run ollamaRender.go < request.json   (request: {"template", "messages", "tools"})
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
)

type toolCall struct {
	Function struct {
		Index     int            `json:"index"`
		Name      string         `json:"name"`
		Arguments map[string]any `json:"arguments"`
	} `json:"function"`
}

type message struct {
	Role       string     `json:"role"`
	Content    string     `json:"content"`
	ToolCalls  []toolCall `json:"tool_calls"`
	ToolName   string     `json:"tool_name"`
	ToolCallID string     `json:"tool_call_id"`
}

// toolProperty keeps the fields of Ollama's api.ToolProperty.
type toolProperty struct {
	AnyOf       []toolProperty          `json:"anyOf,omitempty"`
	Type        any                     `json:"type,omitempty"`
	Items       any                     `json:"items,omitempty"`
	Description string                  `json:"description,omitempty"`
	Enum        []any                   `json:"enum,omitempty"`
	Properties  map[string]toolProperty `json:"properties,omitempty"`
}

type tool struct {
	Type     string `json:"type"`
	Items    any    `json:"items,omitempty"`
	Function struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Parameters  struct {
			Type       string                  `json:"type"`
			Defs       any                     `json:"$defs,omitempty"`
			Items      any                     `json:"items,omitempty"`
			Required   []string                `json:"required,omitempty"`
			Properties map[string]toolProperty `json:"properties"`
		} `json:"parameters"`
	} `json:"function"`
}

type templateArgs map[string]any

func (t templateArgs) String() string {
	if t == nil {
		return "{}"
	}
	b, _ := json.Marshal(map[string]any(t))
	return string(b)
}

type templateCall struct {
	ID       string
	Function struct {
		Index     int
		Name      string
		Arguments templateArgs
	}
}

type templateMessage struct {
	Role       string
	Content    string
	Thinking   string
	ToolCalls  []templateCall
	ToolName   string
	ToolCallID string
}

func collate(msgs []message) (string, []*message) {
	var system []string
	var collated []*message
	for i := range msgs {
		if msgs[i].Role == "system" {
			system = append(system, msgs[i].Content)
		}
		if len(collated) > 0 && collated[len(collated)-1].Role == msgs[i].Role && msgs[i].Role != "tool" {
			collated[len(collated)-1].Content += "\n\n" + msgs[i].Content
		} else {
			collated = append(collated, &msgs[i])
		}
	}
	return strings.Join(system, "\n\n"), collated
}

func main() {
	var request struct {
		Template string    `json:"template"`
		Messages []message `json:"messages"`
		Tools    []tool    `json:"tools"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&request); err != nil {
		fmt.Fprintln(os.Stderr, "bad request:", err)
		os.Exit(2)
	}
	funcs := template.FuncMap{"json": func(v any) string { b, _ := json.Marshal(v); return string(b) }}
	tmpl, err := template.New("").Option("missingkey=zero").Funcs(funcs).Parse(request.Template)
	if err != nil {
		fmt.Fprintln(os.Stderr, "template:", err)
		os.Exit(3)
	}
	system, collated := collate(request.Messages)
	messages := make([]*templateMessage, len(collated))
	for i, m := range collated {
		tm := &templateMessage{Role: m.Role, Content: m.Content, ToolName: m.ToolName, ToolCallID: m.ToolCallID}
		for _, call := range m.ToolCalls {
			var c templateCall
			c.Function.Index = call.Function.Index
			c.Function.Name = call.Function.Name
			c.Function.Arguments = templateArgs(call.Function.Arguments)
			tm.ToolCalls = append(tm.ToolCalls, c)
		}
		messages[i] = tm
	}
	var tools any
	if request.Tools != nil {
		tools = request.Tools
	}
	data := map[string]any{"System": system, "Messages": messages, "Tools": tools, "Response": "", "Think": false, "ThinkLevel": "", "IsThinkSet": false}
	if err := tmpl.Execute(os.Stdout, data); err != nil {
		fmt.Fprintln(os.Stderr, "execute:", err)
		os.Exit(4)
	}
}
